"""Real `manage.py procrastinate worker` processes over the test database."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from procrastinate.contrib.django.models import ProcrastinateJob

BASE_DIR = Path(__file__).resolve().parent.parent


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def worker_processes(
    database_url: str, *, count: int, queues: str, options: Sequence[str] = (), **environ: str
) -> Iterator[list[subprocess.Popen]]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **environ}
    command = [sys.executable, "manage.py", "procrastinate", "worker", "--queues", queues, *options]
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks the worker.
    with tempfile.TemporaryFile() as log:
        processes = [
            subprocess.Popen(
                [*command, "--name", f"test-worker-{index}"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for index in range(count)
        ]
        try:
            yield processes
        finally:
            _stop(processes)
            log.seek(0)
            print(log.read().decode(errors="replace"))  # pytest shows it when the test fails


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


def queue_is_idle(queue: str) -> bool:
    jobs = ProcrastinateJob.objects.filter(queue_name=queue, status__in=["todo", "doing"])
    return not jobs.exists()
