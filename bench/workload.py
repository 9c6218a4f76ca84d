"""What the user-visible scenarios share: the SMTP sink, product workers, gunicorn, HTTP clients.

Every process is started through bench.processes (its own session, stopped by its PID).
"""

import http.client
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable

from django.db import connection

from bench import processes, smtp_sink


class Sink:
    """The SMTP sink subprocess (bench/smtp_sink.py), seen from the benchmark."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.port = smtp_sink.free_port()
        self.status = processes.LOG_DIR / f"smtp-sink-{self.port}.status"
        command = processes.python("-m", "bench.smtp_sink", str(self.port), str(self.status))
        self.process = processes.start([*command, str(delay)], env={}, name="smtp-sink")
        processes.wait_until(
            self.status.exists, timeout=30, what="the SMTP sink", watch=[self.process]
        )

    @property
    def env(self) -> dict[str, str]:
        """What a Quick Publisher process needs to send its mail here."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port)}

    def read(self) -> tuple[int, float]:
        count, last_at = self.status.read_text().split()
        return int(count), float(last_at)

    def count(self) -> int:
        return self.read()[0]

    def wait_for(self, total: int, *, timeout: float, watch: list = ()) -> float:
        """Wait until `total` messages arrived; the time.monotonic() at which the last one did."""
        processes.wait_until(
            lambda: self.count() >= total,
            timeout=timeout,
            what=f"{total} messages at the SMTP sink",
            watch=[self.process, *watch],
        )
        return self.read()[1]

    def stop(self) -> None:
        processes.stop(self.process)


def app_workers(
    *, queues_: list[str], env: dict[str, str], count: int = 2
) -> list[subprocess.Popen]:
    """`count` product workers (`manage.py procrastinate worker`) on `queues_`, each listening."""
    from bench import queues  # imports Redis's client, which `make test` does not install

    worker_env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
        **queues.TUNED.env,
        **env,
        "WORKER_QUEUES": ",".join(queues_),
    }
    command = processes.python("manage.py", "procrastinate", "worker")
    workers = [processes.start(command, env=worker_env, name="worker") for _ in range(count)]
    processes.wait_until(
        lambda: queues.listening_connections() >= count,
        timeout=60,
        what="the workers to listen",
        watch=workers,
    )
    return workers


def stop_all(started: list[subprocess.Popen]) -> None:
    for process in started:
        processes.stop(process)


def gunicorn(*, env: dict[str, str], workers: int = 4) -> tuple[subprocess.Popen, int]:
    """The product's WSGI app under gunicorn on a free loopback port, once it accepts requests."""
    port = smtp_sink.free_port()
    command = processes.python(
        "-m", "gunicorn", "project.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--log-level", "warning",
    )  # fmt: skip
    server = processes.start(
        command, env={"DJANGO_SETTINGS_MODULE": "bench.settings", **env}, name="gunicorn"
    )
    processes.wait_until(
        lambda: _accepts(port), timeout=60, what="gunicorn to listen", watch=[server]
    )
    return server, port


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def request(
    port: int, method: str, path: str, *, body: str = "", headers: dict | None = None
) -> http.client.HTTPResponse:
    """One request on a new connection (gunicorn's sync workers close it anyway); body read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        response.text = response.read().decode(errors="replace")
        return response
    finally:
        conn.close()


def in_threads(clients: int, work: Callable[[int], list]) -> list:
    """Run work(client_index) in `clients` threads at once; their results, concatenated."""
    results: list[list] = [[] for _ in range(clients)]
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [item for result in results for item in result]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by the inclusive method."""
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def truncate(*tables: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
