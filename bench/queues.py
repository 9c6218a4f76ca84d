"""Both queues as the benchmarks drive them: real worker subprocesses, and what is still pending.

Procrastinate workers are `manage.py procrastinate worker` with bench.settings; Celery workers are
`celery worker --pool prefork`. Both run the job bodies of bench.tasks / bench.celery_app.
"""

import subprocess
from dataclasses import dataclass, field

import redis
from django.db import connection

from bench import celery_app, processes
from bench.tasks import QUEUE

HOLD_QUEUE = "bench_hold"


@dataclass(frozen=True)
class Config:
    """One Procrastinate worker configuration: which job body, and the operator's env settings."""

    label: str
    task: str = "noop"
    env: dict[str, str] = field(default_factory=dict)


# The configuration the scenarios measure (docs/benchmarks.md, "Tuning"): the project's defaults
# (plain `def` job bodies, WARNING-level Procrastinate logs, finished jobs kept for the ops
# dashboard) on uvloop's event loop (bench/settings.py, WORKER_EVENT_LOOP).
TUNED = Config("tuned: def task on uvloop", env={"WORKER_EVENT_LOOP": "uvloop"})


# --- Procrastinate ------------------------------------------------------------------------------
def procrastinate_worker(
    config: Config, *, concurrency: int, env: dict[str, str] | None = None
) -> subprocess.Popen:
    env = {
        **(env or {}),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "WORKER_QUEUES": QUEUE,
        "WORKER_CONCURRENCY": str(concurrency),
        "LOG_LEVEL": "WARNING",
        **config.env,
    }
    command = processes.python("manage.py", "procrastinate", "worker")
    return processes.start(command, env=env, name="procrastinate")


def sql_value(query: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchone()[0]


def procrastinate_pending(queue: str = QUEUE) -> int:
    return sql_value(
        "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = %s"
        " AND status IN ('todo', 'doing')",
        [queue],
    )


def procrastinate_failed() -> int:
    return sql_value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")


def registered_workers() -> int:
    return sql_value("SELECT count(*) FROM procrastinate_workers")


def listening_connections() -> int:
    """Worker connections whose last statement was LISTEN: those workers hear the next NOTIFY."""
    return sql_value(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND query LIKE 'LISTEN %%'"
    )


def reset_procrastinate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,"
            " procrastinate_workers RESTART IDENTITY CASCADE"
        )


def release_held_jobs() -> None:
    """Make jobs prepared on HOLD_QUEUE due on QUEUE in one statement (no NOTIFY: see callers)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET queue_name = %s WHERE queue_name = %s",
            [QUEUE, HOLD_QUEUE],
        )


# --- Celery + Redis -----------------------------------------------------------------------------
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(celery_app.REDIS_URL, socket_connect_timeout=2)


def redis_available() -> bool:
    try:
        return bool(redis_client().ping())
    except (redis.RedisError, OSError):
        return False


def redis_version() -> str:
    return str(redis_client().info("server").get("redis_version", "?"))


def celery_worker(*, processes_count: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    command = processes.python(
        "-m",
        "celery",
        "-A",
        "bench.celery_app",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        str(processes_count),
        "--queues",
        celery_app.QUEUE,
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    return processes.start(command, env=env or {}, name="celery")


def celery_pending() -> int:
    """Messages still queued plus those a worker has prefetched but not yet acknowledged."""
    client = redis_client()
    prefix = celery_app.KEY_PREFIX
    return client.llen(f"{prefix}{celery_app.QUEUE}") + client.hlen(f"{prefix}unacked")


def reset_celery() -> None:
    client = redis_client()
    keys = list(client.scan_iter(match=f"{celery_app.KEY_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)
