"""Enqueue-to-start latency on an idle worker, beside Celery + Redis."""

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import celery_app, harness, probe, processes, queues, tasks

ORDER = 40
INTERLEAVED = True
SCENARIO = "Queue core: enqueue-to-start latency"
CELERY = "Celery + Redis"
PROCRASTINATE = "Procrastinate"
GAP = 0.02
DESCRIPTION = f"""
Jobs sent one at a time, {GAP * 1000:.0f} ms apart, to one idle worker process
(`manage.py procrastinate worker`, tuned configuration, woken by LISTEN/NOTIFY; `celery worker
--pool prefork --concurrency 1`). The job body writes `time.time()` minus the time taken just
before `defer()` / `delay()`, so the figure includes the enqueue's own commit.
"""
TARGETS = [
    {
        "label": "enqueue-to-start p99 ≤ 15 ms",
        "metric": "p99",
        "variant": PROCRASTINATE,
        "field": "median",
        "op": "<=",
        "limit": 15.0,
    },
    {
        "label": "enqueue-to-start p50 ≤ 1.5× Celery + Redis",
        "metric": "p50",
        "variant": PROCRASTINATE,
        "field": "ratio",
        "op": "<=",
        "limit": 1.5,
    },
]


def _lines(path: Path) -> int:
    return len(path.read_text().split()) if path.exists() else 0


def _measure(
    send: Callable[[], None], start_worker: Callable[[dict], object], *, count: int
) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        latencies = Path(folder, "latencies")
        worker = start_worker({"BENCH_PROBE_FILE": str(latencies)})
        try:
            # The first job proves the worker is up and listening; it is not measured.
            send()
            processes.wait_until(
                lambda: _lines(latencies) == 1, timeout=60, what="the warm-up job", watch=[worker]
            )
            for _ in range(count):
                send()
                time.sleep(GAP)
            processes.wait_until(
                lambda: _lines(latencies) > count,
                timeout=30,
                what="every probe job",
                watch=[worker],
            )
        finally:
            processes.stop(worker)
        return probe.percentiles_ms(latencies, skip=1)


def _procrastinate(count: int) -> tuple[float, float]:
    queues.reset_procrastinate()
    config = queues.TUNED
    task = tasks.probe_async if config.task.endswith("_async") else tasks.probe
    return _measure(
        lambda: task.defer(sent_at=time.time()),
        lambda env: queues.procrastinate_worker(config, concurrency=4, env=env),
        count=count,
    )


def _celery(count: int) -> tuple[float, float]:
    queues.reset_celery()
    return _measure(
        lambda: celery_app.probe.delay(sent_at=time.time()),
        lambda env: queues.celery_worker(processes_count=1, env=env),
        count=count,
    )


def _row(metric: str, variant: str, rep: int, value: float | None, **extra) -> dict:
    return harness.row(SCENARIO, metric, variant, value, "ms", rep=rep, **extra)


def run(*, quick: bool) -> list[dict]:
    count, rounds = (60, 1) if quick else (500, 3)
    redis_up = queues.redis_available()
    rows = []
    for rep in range(rounds):
        for variant, measure in ((PROCRASTINATE, _procrastinate), (CELERY, _celery)):
            if variant == CELERY and not redis_up:
                rows += [
                    _row(m, variant, rep, None, note="skipped: no Redis") for m in ("p50", "p99")
                ]
                continue
            p50, p99 = measure(count)
            extra = {"baseline": CELERY} if variant == PROCRASTINATE else {}
            rows += [
                _row("p50", variant, rep, p50, **extra),
                _row("p99", variant, rep, p99, **extra),
            ]
    return rows
