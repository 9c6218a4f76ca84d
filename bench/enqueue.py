"""Enqueueing: one job per call (a web request's defer) and in bulk, beside Celery's delay()."""

import time

from bench import celery_app, harness, queues, tasks

ORDER = 20
INTERLEAVED = True
SCENARIO = "Queue core: enqueue"
CELERY = "Celery + Redis"
PROCRASTINATE = "Procrastinate"
DESCRIPTION = """
One job per call from one client: Procrastinate's `defer()` on Django's connection in autocommit
(one INSERT transaction per job, as a view outside `atomic()` does) and Celery's `delay()` to
Redis. In bulk: `batch_defer()`, one statement for the whole batch; Celery has no bulk publish.
"""


def _rate(count: int, action) -> float:
    started = time.perf_counter()
    action(count)
    return count / (time.perf_counter() - started)


def _procrastinate_one_by_one(count: int) -> None:
    for _ in range(count):
        tasks.noop.defer()


def _procrastinate_batch(count: int) -> None:
    tasks.noop.batch_defer(*({} for _ in range(count)))


def _celery_one_by_one(count: int) -> None:
    for _ in range(count):
        celery_app.noop.delay()


def _row(metric: str, variant: str, rep: int, value: float | None, **extra) -> dict:
    return harness.row(SCENARIO, metric, variant, value, "jobs/s", rep=rep, **extra)


def run(*, quick: bool) -> list[dict]:
    single, bulk, rounds = (300, 2_000, 1) if quick else (2_000, 10_000, 3)
    redis_up = queues.redis_available()
    rows = []
    for rep in range(rounds):
        queues.reset_procrastinate()
        rows.append(
            _row(
                "one by one",
                PROCRASTINATE,
                rep,
                _rate(single, _procrastinate_one_by_one),
                baseline=CELERY,
            )
        )
        if redis_up:
            queues.reset_celery()
            rows.append(_row("one by one", CELERY, rep, _rate(single, _celery_one_by_one)))
        else:
            rows.append(_row("one by one", CELERY, rep, None, note="skipped: no Redis"))
        rows.append(
            _row("bulk (batch_defer)", PROCRASTINATE, rep, _rate(bulk, _procrastinate_batch))
        )
    queues.reset_procrastinate()
    if redis_up:
        queues.reset_celery()
    return rows
