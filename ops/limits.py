"""Per-task limits declared next to the task: a time limit read by the worker middleware, and a
global rate limit stored in Postgres (ops_ratelimit) and enforced by the fetch function."""

import re
from collections.abc import Callable
from typing import TypeVar

from procrastinate.tasks import Task

T = TypeVar("T", bound=Task)

_time_limits: dict[str, float] = {}
_task_rate_limits: dict[str, str] = {}

UNITS = {"s": 1, "m": 60, "h": 3600}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh])\s*$")


class TimeLimitExceeded(Exception):
    """The job ran past its task's declared time limit; never retried (see docs/operations.md)."""


def time_limit(seconds: float) -> Callable[[T], T]:
    """Declare a time limit: `@time_limit(30)` above `@app.task(...)`."""

    def declare(task: T) -> T:
        _time_limits[task.name] = float(seconds)
        return task

    return declare


def time_limit_for(task_name: str) -> float | None:
    return _time_limits.get(task_name)


def parse_rate(rate: str) -> tuple[int, int]:
    """'100/m' → (100, 60); '20/10s' → (20, 10). Raises ValueError on anything else."""
    match = RATE.match(rate)
    if not match or int(match[1]) < 1:
        raise ValueError(f"not a rate limit: {rate!r} (expected like '100/m', '20/10s', '5/h')")
    return int(match[1]), int(match[2] or 1) * UNITS[match[3]]


def rate_limit(rate: str) -> Callable[[T], T]:
    """Declare a global rate limit: `@rate_limit("100/m")` above `@app.task(...)`."""
    parse_rate(rate)

    def declare(task: T) -> T:
        _task_rate_limits[task.name] = rate
        return task

    return declare


def declared_rate_limits(queue_limits: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Every declared limit by scope ('task:<name>', 'queue:<name>') as (max_jobs, seconds)."""
    scopes = {f"task:{name}": rate for name, rate in _task_rate_limits.items()}
    scopes |= {f"queue:{name}": rate for name, rate in queue_limits.items()}
    return {scope: parse_rate(rate) for scope, rate in scopes.items()}
