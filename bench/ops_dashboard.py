"""Benchmark: the ops dashboard, /metrics and the worker's fetch with big job tables.

Fills a throw-away database (migrated from scratch, dropped afterwards) with finished and waiting
jobs, their events and stored attempts, then times every dashboard page and /metrics, and the
worker's fetch against the same fetch on empty tables.

    .venv/bin/python -m project.devdb run -- \
        .venv/bin/python bench/ops_dashboard.py [--quick] [--explain]
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

ORDER = 90
SCENARIO = "Operations: dashboard over big job tables"
DESCRIPTION = (
    "Every staff dashboard page and /metrics timed with 1,000,000 finished and 100,000 waiting jobs"
    " (quick mode: 50,000 and 5,000) with their events and stored attempts, and the worker's fetch"
    " (procrastinate_fetch_job_v2, with the ops pause and rate-limit checks) against the same fetch"
    " on empty tables. Seeded once; three rounds. Query plans: docs/operations.md."
)
INTERLEAVED = True
ROUNDS = 3
FULL = {"finished": 1_000_000, "waiting": 100_000}
QUICK = {"finished": 50_000, "waiting": 5_000}
QUEUES = ["emails", "reports", "maintenance", "blog"]
TASKS = [
    "mail.send_email",
    "reports.send_daily_report",
    "ops.prune_finished_jobs",
    "blog.publish_post",
]

SEED_FINISHED = """
INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, attempts)
SELECT (%(queues)s::text[])[1 + i %% 4], (%(tasks)s::text[])[1 + i %% 4],
       jsonb_build_object('id', i),
       (CASE WHEN i %% 50 = 0 THEN 'failed' ELSE 'succeeded' END)::procrastinate_job_status, 1
  FROM generate_series(1, %(n)s) AS i
"""
SEED_WAITING = """
INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)
SELECT (%(queues)s::text[])[1 + i %% 4], (%(tasks)s::text[])[1 + i %% 4],
       jsonb_build_object('id', i), 'todo'
  FROM generate_series(1, %(n)s) AS i
"""
# Finished jobs spread over the last 14 days, oldest first; each ran for about 50 ms.
SEED_EVENTS = """
INSERT INTO procrastinate_events (job_id, type, at)
SELECT job.id, kind.type::procrastinate_job_event_type,
       now() - (%(n)s - job.id) * interval '14 days' / %(n)s
             + kind.offset_ms * interval '1 millisecond'
  FROM procrastinate_jobs AS job
 CROSS JOIN LATERAL (VALUES ('deferred', 0), ('started', 10),
                            (CASE WHEN job.status = 'failed' THEN 'failed'
                                  ELSE 'succeeded' END, 60))
       AS kind(type, offset_ms)
 WHERE job.status IN ('succeeded', 'failed')
"""
SEED_WAITING_EVENTS = """
INSERT INTO procrastinate_events (job_id, type, at)
SELECT id, 'deferred', now() - interval '10 minutes' FROM procrastinate_jobs WHERE status = 'todo'
"""
SEED_ATTEMPTS = """
INSERT INTO ops_jobattempt (job_id, attempt, task_name, queue_name, worker_id, waited_seconds,
                            started_at, finished_at, outcome, error, traceback)
SELECT job.id, 1, job.task_name, job.queue_name, NULL, 0.01,
       started.at, started.at + interval '50 ms',
       job.status::text, CASE WHEN job.status = 'failed' THEN 'RuntimeError: boom' ELSE '' END, ''
  FROM procrastinate_jobs AS job
  JOIN procrastinate_events AS started ON started.job_id = job.id AND started.type = 'started'
"""


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(timings), 2)


def _fetch_ms(cursor, repeat: int = 50) -> float:
    """One fetch by a registered worker, rolled back so every repeat sees the same tables."""
    cursor.execute("SELECT procrastinate_register_worker_v1()")
    (worker_id,) = cursor.fetchone()

    def fetch() -> None:
        cursor.execute("BEGIN")
        cursor.execute("SELECT id FROM procrastinate_fetch_job_v2(NULL, %s)", [worker_id])
        assert cursor.fetchone()[0] is not None
        cursor.execute("ROLLBACK")

    return _median_ms(fetch, repeat)


def _seed(cursor, *, finished: int, waiting: int) -> None:
    params = {"queues": QUEUES, "tasks": TASKS}
    cursor.execute("ALTER TABLE procrastinate_jobs DISABLE TRIGGER USER")
    cursor.execute(SEED_FINISHED, {**params, "n": finished})
    cursor.execute(SEED_EVENTS, {"n": finished})
    cursor.execute(SEED_WAITING, {**params, "n": waiting})
    cursor.execute(SEED_WAITING_EVENTS)
    cursor.execute(SEED_ATTEMPTS)
    cursor.execute("ALTER TABLE procrastinate_jobs ENABLE TRIGGER USER")
    cursor.execute("ANALYZE")


PAGES = (
    "overview",
    "jobs, no filter",
    "jobs, failed",
    "jobs, emails waiting",
    "jobs, task older than 1 day",
    "job page",
    "bulk retry confirm, failed",
    "workers",
    "periodic tasks",
    "metrics",
)
TARGETS = [
    {
        "label": f"GET {page} < 1 s",
        "metric": f"GET {page}",
        "variant": "Quick Publisher",
        "field": "median",
        "op": "<=",
        "limit": 1000,
    }
    for page in PAGES
] + [
    {
        "label": "worker fetch with full tables no slower than with empty ones",
        "metric": "worker fetch",
        "variant": "full tables",
        "field": "ratio",
        "op": "<=",
        "limit": 1.0,
    }
]


def _pages() -> dict[str, str]:
    from django.urls import reverse

    jobs = reverse("ops:jobs")
    pages = {
        "overview": reverse("ops:overview"),
        "jobs, no filter": jobs,
        "jobs, failed": f"{jobs}?status=failed",
        "jobs, emails waiting": f"{jobs}?queue=emails&status=todo",
        "jobs, task older than 1 day": f"{jobs}?task=mail.send_email&age=1d",
        "job page": reverse("ops:job_detail", args=[50]),
        "bulk retry confirm, failed": reverse("ops:bulk_action", args=["retry"]) + "?status=failed",
        "workers": reverse("ops:workers"),
        "periodic tasks": reverse("ops:periodic"),
        "metrics": reverse("ops:metrics"),
    }
    assert tuple(pages) == PAGES
    return pages


def run(*, quick: bool) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    sizes = QUICK if quick else FULL
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_ops_dashboard"
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows = []
    try:
        from procrastinate.contrib.django import app

        from accounts.models import User

        with connection.cursor() as cursor:
            app.tasks["ops.prune_finished_jobs"].defer(timestamp=0)
            rows += [_fetch_row("empty tables", _fetch_ms(cursor), r) for r in range(ROUNDS)]
            cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_workers CASCADE")
            _seed(cursor, **sizes)
            rows += [_fetch_row("full tables", _fetch_ms(cursor), r) for r in range(ROUNDS)]
        client = Client()
        client.force_login(User.objects.create_user("bench", is_staff=True))
        for url in _pages().values():
            status = client.get(url).status_code
            assert status == 200, f"{url} answered {status}"
        for rep in range(ROUNDS):
            for name, url in _pages().items():
                rows.append(_row(f"GET {name}", _median_ms(lambda u=url: client.get(u), 1), rep))
        if "--explain" in sys.argv:
            _explain()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
    return rows


def _fetch_row(variant: str, value: float, rep: int) -> dict:
    baseline = {"baseline": "empty tables"} if variant == "full tables" else {}
    return {**_row("worker fetch", value, rep), "variant": variant, **baseline}


def _row(metric: str, value: float, rep: int) -> dict:
    return {"scenario": SCENARIO, "metric": metric, "value": value, "unit": "ms", "rep": rep}


def _explain() -> None:
    from django.db import connection

    from ops import jobs

    queries = {
        "counts by status, queue and task": "SELECT queue_name, task_name, status, count(*)"
        " FROM procrastinate_jobs GROUP BY status, queue_name, task_name",
        "oldest waiting": "SELECT queue_name, min(id) FROM procrastinate_jobs"
        " WHERE status = 'todo' GROUP BY 1",
        "finished last hour": "SELECT count(*) FROM procrastinate_events"
        " WHERE at >= now() - interval '1 hour' AND type IN ('succeeded', 'failed')",
    }
    pages = {
        "failed jobs page": jobs.matching_jobs(status="failed")[:51],
        "emails waiting page": jobs.matching_jobs(queue="emails", status="todo")[:51],
    }
    with connection.cursor() as cursor:
        for name, query in queries.items():
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {query}")
            print(f"-- {name}\n" + "\n".join(row[0] for row in cursor.fetchall()) + "\n")
    for name, page in pages.items():
        print(f"-- {name}\n{page.explain(analyze=True, costs=False)}\n")


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(f"{result['scenario']} | {result['metric']}: {result['value']} {result['unit']}")
