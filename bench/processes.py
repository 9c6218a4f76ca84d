"""Worker subprocesses the benchmarks start, each in its own session, stopped again by its PID."""

import atexit
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = Path(tempfile.mkdtemp(prefix="quick-publisher-bench-"))
_running: dict[int, subprocess.Popen] = {}
_logs: dict[int, Path] = {}
_numbers = itertools.count()


def start(command: list[str], *, env: dict[str, str], name: str) -> subprocess.Popen:
    """Start `command` in a new session: its children (Celery's pool) get its PID as group id."""
    path = LOG_DIR / f"{name}-{next(_numbers)}.log"
    with path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _logs[process.pid] = path
    _running[process.pid] = process
    return process


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """SIGTERM the process group led by this PID, SIGKILL it if it outlives `timeout`."""
    _running.pop(process.pid, None)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    _reap_group(process.pid)


def _reap_group(pgid: int) -> None:
    # Celery's pool children may outlive their parent for a moment; the group id is still ours.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def stop_all() -> None:
    for process in list(_running.values()):
        stop(process, timeout=5)


def check_alive(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        tail = _logs[process.pid].read_text()[-2000:]
        raise RuntimeError(f"worker exited with {process.returncode}:\n{tail}")


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    watch: list[subprocess.Popen] = (),
    interval: float = 0.02,
) -> float:
    """Poll `condition`; return the time it held. Fail if a watched worker dies."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return time.perf_counter()
        for process in watch:
            check_alive(process)
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


atexit.register(stop_all)
