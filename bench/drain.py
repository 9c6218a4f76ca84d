"""Draining a backlog of no-op jobs with one worker process per core, beside Celery prefork."""

import os
import time

from bench import celery_app, harness, processes, queues, tasks
from bench.queues import Config

ORDER = 30
INTERLEAVED = True
SCENARIO = "Queue core: drain"
CELERY = "Celery + Redis"
CONCURRENCIES = (1, 4, 16)
WORKER_PROCESSES = os.cpu_count() or 2
DESCRIPTION = f"""
A backlog of no-op jobs drained by {WORKER_PROCESSES} worker processes (one per core):
`manage.py procrastinate worker` ×{WORKER_PROCESSES} at concurrency 1, 4 and 16 with the tuned
configuration, against `celery worker --pool prefork --concurrency {WORKER_PROCESSES}` on Redis.
The clock starts when the backlog becomes due for ready workers (Procrastinate) or when the first
message is acknowledged (Celery), and stops when nothing is queued or running.
"""
TARGETS = [
    {
        "label": f"no-op drain, {WORKER_PROCESSES} processes, c{c} ≥ 1.0× Celery + Redis",
        "metric": "no-op jobs",
        "variant": f"Procrastinate c{c}",
        "field": "ratio",
        "op": ">=",
        "limit": 1.0,
    }
    for c in CONCURRENCIES
]


def procrastinate_rate(config: Config, *, concurrency: int, count: int) -> float:
    queues.reset_procrastinate()
    task = getattr(tasks, config.task)
    task.configure(queue=queues.HOLD_QUEUE).batch_defer(*({} for _ in range(count - 1)))
    workers = [
        queues.procrastinate_worker(config, concurrency=concurrency)
        for _ in range(WORKER_PROCESSES)
    ]
    try:
        processes.wait_until(
            lambda: queues.listening_connections() >= len(workers),
            timeout=60,
            what="Procrastinate workers to listen",
            watch=workers,
        )
        started = time.perf_counter()
        queues.release_held_jobs()
        task.defer()  # its INSERT notifies the idle workers, which then fetch until empty
        ended = processes.wait_until(
            lambda: queues.procrastinate_pending() == 0,
            timeout=max(120, count / 10),
            what="the drain",
            watch=workers,
        )
    finally:
        for worker in workers:
            processes.stop(worker)
    if queues.procrastinate_failed():
        raise RuntimeError("some benchmark jobs failed: see the worker logs")
    return count / (ended - started)


def celery_rate(*, count: int) -> float:
    queues.reset_celery()
    with celery_app.app.producer_or_acquire() as producer:
        for _ in range(count):
            celery_app.noop.apply_async(producer=producer)
    worker = queues.celery_worker(processes_count=WORKER_PROCESSES)
    try:
        started = processes.wait_until(
            lambda: queues.celery_pending() < count,
            timeout=60,
            what="Celery to start",
            watch=[worker],
            interval=0.005,
        )
        ended = processes.wait_until(
            lambda: queues.celery_pending() == 0,
            timeout=max(120, count / 10),
            what="the Celery drain",
            watch=[worker],
        )
    finally:
        processes.stop(worker)
        queues.reset_celery()
    return count / (ended - started)


def row(variant: str, rep: int, value: float | None, **extra) -> dict:
    return harness.row(SCENARIO, "no-op jobs", variant, value, "jobs/s", rep=rep, **extra)


def run(*, quick: bool) -> list[dict]:
    count, rounds = (1_000, 1) if quick else (10_000, 3)
    redis_up = queues.redis_available()
    rows = []
    for rep in range(rounds):
        if redis_up:
            rows.append(row(CELERY, rep, celery_rate(count=count)))
        else:
            rows.append(row(CELERY, rep, None, note="skipped: no Redis"))
        for concurrency in CONCURRENCIES:
            rate = procrastinate_rate(queues.TUNED, concurrency=concurrency, count=count)
            rows.append(row(f"Procrastinate c{concurrency}", rep, rate, baseline=CELERY))
    queues.reset_procrastinate()
    return rows
