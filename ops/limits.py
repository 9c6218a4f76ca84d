"""Per-task limits declared next to the task, read by the worker middleware."""

from collections.abc import Callable
from typing import TypeVar

from procrastinate.tasks import Task

T = TypeVar("T", bound=Task)

_time_limits: dict[str, float] = {}


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
