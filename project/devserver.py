"""`make run`: migrate, create the demo content once, then serve the site and a worker together.

The worker is supervised: Procrastinate's worker exits when PostgreSQL restarts (or when it
recycles itself after N jobs), and this loop starts a fresh one. Ctrl-C stops both.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]
RESTART_DELAY_SECONDS = 2.0


def _say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _start(command: list[str]) -> subprocess.Popen:
    # A process group of its own, so stopping it also stops runserver's autoreload child.
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)


def _stop(process: subprocess.Popen, timeout: float) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def supervise(host: str, port: int) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    web = _start([*MANAGE, "runserver", f"{host}:{port}"])
    worker = _start([*MANAGE, "procrastinate", "worker"])
    _say(
        f"site at http://{host}:{port}/ — web pid {web.pid}, worker pid {worker.pid}. Ctrl-C stops."
    )
    try:
        while web.poll() is None:
            if worker.poll() is not None:
                _say(f"worker exited with code {worker.returncode}; starting a new one")
                time.sleep(RESTART_DELAY_SECONDS)
                worker = _start([*MANAGE, "procrastinate", "worker"])
            time.sleep(0.5)
        _say(f"web server exited with code {web.returncode}")
        return web.returncode or 1
    except KeyboardInterrupt:
        _say("stopping the web server and the worker…")
        return 0
    finally:
        _stop(web, 10)
        _stop(worker, float(os.environ.get("WORKER_SHUTDOWN_TIMEOUT", 30)) + 5)


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(host, port):
        _say(f"port {port} on {host} is already in use. Pick another one: PORT={port + 1} make run")
        return 2
    # Links in emails should point at the port this run serves on.
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}")
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v", "0"], check=True)
    subprocess.run([*MANAGE, "seed_demo", "--site", f"http://{host}:{port}"], check=True)
    return supervise(host, port)


if __name__ == "__main__":
    sys.exit(main())
