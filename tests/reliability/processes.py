"""Processes the fault suite starts, supervises and stops — by PID, and only its own."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.reliability.cluster import BASE_DIR

RESTART_DELAY_SECONDS = 0.5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def stop_process(process: subprocess.Popen, *, timeout: float) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)  # a paused process cannot act on SIGTERM
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


class Supervised:
    """One worker slot kept alive like systemd's Restart=always: a worker that exits is replaced."""

    def __init__(self, command: list[str], environ: dict[str, str], log: Path) -> None:
        self.command, self.environ, self.log = command, environ, log
        self.exit_codes: list[int] = []
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.process = self._spawn()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _spawn(self) -> subprocess.Popen:
        self.starts += 1
        with self.log.open("a") as output:
            return subprocess.Popen(
                self.command, cwd=BASE_DIR, env=self.environ, stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    def _watch(self) -> None:
        while not self._stopping.wait(0.1):
            with self._lock:
                code = self.process.poll()
                if code is None or self._stopping.is_set():
                    continue
                self.exit_codes.append(code)
            time.sleep(RESTART_DELAY_SECONDS)
            with self._lock:
                if not self._stopping.is_set():
                    self.process = self._spawn()

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, *, timeout: float) -> int:
        """Stop the slot for good; the last worker's exit code."""
        self._stopping.set()
        with self._lock:
            code = stop_process(self.process, timeout=timeout)
        self._thread.join(timeout=5)
        return code

    def stop_current(self, *, timeout: float) -> int:
        """SIGTERM the running worker (the slot then starts a new one); its exit code."""
        process = self.process
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout)


class Processes:
    """Everything a test started, stopped at teardown even when the test failed."""

    def __init__(self, environ: dict[str, str], logdir: Path) -> None:
        self.environ, self.logdir = environ, logdir
        self.workers: list[Supervised] = []
        self.others: list[subprocess.Popen] = []

    def worker(self, *, concurrency: int = 4, **environ: str) -> Supervised:
        name = f"reliability-{len(self.workers)}"
        command = [
            sys.executable, "manage.py", "procrastinate", "worker", "--name", name,
            "--concurrency", str(concurrency),
        ]  # fmt: skip
        env = {**self.environ, **environ}
        if "FAKETIME" in environ:
            # libfaketime steps the wall clock only; timeouts and sleeps keep real time.
            env.update(LD_PRELOAD=_libfaketime(), FAKETIME_DONT_FAKE_MONOTONIC="1")
        slot = Supervised(command, env, self.logdir / f"{name}.log")
        self.workers.append(slot)
        return slot

    def start(self, *args: str, log: str) -> subprocess.Popen:
        with (self.logdir / log).open("a") as output:
            process = subprocess.Popen(
                [sys.executable, *args], cwd=BASE_DIR, env=self.environ, stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.others.append(process)
        return process

    def rescuer(self, *, interval: float = 1.0) -> subprocess.Popen:
        return self.start(
            "-m", "tests.reliability.scenario", "rescue-loop", "--seconds", str(interval),
            log="rescuer.log",
        )  # fmt: skip

    def web(self) -> str:
        port = free_port()
        self.start("manage.py", "runserver", "--noreload", f"127.0.0.1:{port}", log="web.log")
        return f"http://127.0.0.1:{port}"

    def stop_all(self, *, timeout: float) -> None:
        for slot in self.workers:
            with contextlib.suppress(Exception):
                slot.stop(timeout=timeout)
        for process in self.others:
            stop_process(process, timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-6000:]}"
            for path in sorted(self.logdir.glob("*.log"))
        )


def _libfaketime() -> str:
    for candidate in (
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ):
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError("libfaketime is not installed")


def libfaketime_available() -> bool:
    try:
        _libfaketime()
    except FileNotFoundError:
        return False
    return True
