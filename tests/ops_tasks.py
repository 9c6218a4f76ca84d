"""Tasks for the ops tests, loaded by worker subprocesses through PROCRASTINATE_IMPORT_PATHS."""

import asyncio
import time
from pathlib import Path

from procrastinate.contrib.django import app

from ops.limits import rate_limit, time_limit
from ops.retry import Backoff

QUEUE = "ops_tests"
# What worker subprocesses need to load these tasks, with second-scale heartbeats.
WORKER_ENV = {"PROCRASTINATE_IMPORT_PATHS": "tests.ops_tasks", "WORKER_HEARTBEAT_SECONDS": "1"}


@app.task(name="tests.ops_succeed", queue=QUEUE)
def succeed(*, n: int = 0) -> None:
    return None


@app.task(
    name="tests.ops_fail_twice",
    queue=QUEUE,
    retry=Backoff(attempts=2, first_wait=0, jitter=0, retry_on=[ValueError]),
)
def fail_twice(*, n: int = 0) -> None:
    raise ValueError(f"the upstream answered 502 for item {n}")


@time_limit(0.5)
@app.task(name="tests.ops_sleep_async", queue=QUEUE)
async def sleep_async(*, seconds: float) -> None:
    await asyncio.sleep(seconds)


@app.task(name="tests.ops_hang_until_killed", queue=QUEUE)
def hang_until_killed(*, marker: str) -> None:
    """First run: leave a mark and hang (the test kills the worker); later runs: record success."""
    path = Path(marker)
    if not path.exists():
        path.write_text("")
        time.sleep(120)
    with path.open("a") as runs:
        runs.write("succeeded\n")


@rate_limit("20/10s")
@app.task(name="tests.ops_rate_limited", queue=QUEUE)
def rate_limited(*, n: int = 0) -> None:
    return None


@time_limit(0.5)
@app.task(name="tests.ops_poll_until_aborted", queue=QUEUE, pass_context=True)
def poll_until_aborted(context, *, seconds: float) -> None:
    """A sync task doing work in small steps, checking for an abort request between them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not context.should_abort():
        time.sleep(0.05)
