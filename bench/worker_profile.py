"""Where a Procrastinate worker's CPU goes draining no-op jobs (py-spy, pg_stat_statements)."""

import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.db import connection

from bench import harness, processes, queues, tasks
from bench.queues import Config

ORDER = 90
INTERLEAVED = True
SCENARIO = "Profile: one Procrastinate worker draining no-op jobs"
CONCURRENCY = 4
PROJECT_DEFAULTS = Config("project defaults")
DESCRIPTION = f"""
py-spy samples one `manage.py procrastinate worker` (project defaults: `def` task, asyncio's own
event loop, whose Python frames py-spy can name; concurrency {CONCURRENCY}) while it drains a
backlog alone. "Self" shares say which library's code was on CPU;
"inside" shares count samples anywhere under a function, so they overlap. Idle waits are not
sampled. Server-side statement times come from pg_stat_statements when the server preloads it.
"""
LIBRARIES = (
    ("psycopg", "psycopg"),
    ("psycopg_pool", "psycopg_pool"),
    ("procrastinate", "procrastinate"),
    ("asyncio", "asyncio"),
    ("logging", "logging"),
    ("json", "json"),
    ("django", "django"),
)
INSIDE = (
    ("pool connection check", "check_connection"),
    ("fetch a job", "fetch_job"),
    ("finish a job", "finish_job"),
    ("run the task", "run_job"),
    ("hand a job to a thread (sync_to_async)", "submit"),
    ("Django connection cleanup", "close_old_connections"),
    ("logging", "callHandlers"),
)


def _library(frame: str) -> str:
    # py-spy names frames "Class.function (package/module.py:line)".
    location = frame.rsplit("(", 1)[-1]
    return next((name for name, part in LIBRARIES if location.startswith(f"{part}/")), "other")


def _function(frame: str) -> str:
    return frame.split(" (", 1)[0].rsplit(".", 1)[-1]


def _shares(raw: str) -> tuple[Counter, Counter, Counter, int]:
    own, inside, leaves, total = Counter(), Counter(), Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames, samples = stack.split(";"), int(count)
        total += samples
        own[_library(frames[-1])] += samples
        leaves[frames[-1].rsplit(":", 1)[0] + ")"] += samples
        for label, function in INSIDE:
            if any(_function(frame) == function for frame in frames):
                inside[label] += samples
    return own, inside, leaves, total


def _profile(pid: int, seconds: int, output: Path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(seconds),
        "--rate",
        "200",
        "--format",
        "raw",
        "--output",
        str(output),
        "--nonblocking",
    ]
    return subprocess.run(command, capture_output=True, text=True)


def _reset_statements() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            cursor.execute("SELECT pg_stat_statements_reset()")
    except Exception:
        return


def _statements() -> list[tuple[str, float, int]]:
    """(statement, mean ms, calls), or nothing when the server does not preload the extension."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 60), mean_exec_time, calls"
                " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database"
                " WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 6"
            )
            return cursor.fetchall()
    except Exception:
        return []


def _row(metric: str, variant: str, value: float | None, unit: str = "% of samples", **kw) -> dict:
    return harness.row(SCENARIO, metric, variant, value, unit, **kw)


def run(*, quick: bool) -> list[dict]:
    count, seconds = (1_500, 2) if quick else (12_000, 12)
    queues.reset_procrastinate()
    tasks.noop.batch_defer(*({} for _ in range(count)))
    _reset_statements()
    worker = queues.procrastinate_worker(PROJECT_DEFAULTS, concurrency=CONCURRENCY)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder, "profile.txt")
        try:
            processes.wait_until(
                lambda: queues.procrastinate_pending() < count,
                timeout=60,
                what="the worker to start",
                watch=[worker],
            )
            done_before = count - queues.procrastinate_pending()
            started = time.perf_counter()
            result = _profile(worker.pid, seconds, output)
            rate = (count - queues.procrastinate_pending() - done_before) / (
                time.perf_counter() - started
            )
        finally:
            processes.stop(worker)
        if not output.exists():
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1][:150]
            return [_row("py-spy", "—", None, note=f"skipped: py-spy could not sample ({reason})")]
        own, inside, leaves, total = _shares(output.read_text())
    rows = [_row("drain rate while sampled", "1 process", rate, unit="jobs/s")]
    rows += [_row("self", name, 100 * n / total) for name, n in own.most_common()]
    rows += [_row("inside", label, 100 * inside[label] / total) for label, _ in INSIDE]
    rows += [
        _row("top functions (self)", f"`{name}`", 100 * n / total)
        for name, n in leaves.most_common(10)
    ]
    statements = _statements()
    rows += [_row("server time per call", query, mean, unit="ms") for query, mean, _ in statements]
    if not statements:
        rows.append(
            _row(
                "server time per call",
                "pg_stat_statements",
                None,
                unit="ms",
                note="not available: the server does not preload pg_stat_statements",
            )
        )
    queues.reset_procrastinate()
    return rows
