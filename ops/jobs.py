"""Reading and acting on jobs for the dashboard: filters, queue statistics, retry/cancel/abort."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker

from ops.models import PausedQueue

STATUSES = ["todo", "doing", "succeeded", "failed", "cancelled", "aborted"]
ACTIONS = {
    # action: (statuses it applies to, SQL applied to each job id)
    "retry": (
        ["failed", "cancelled", "aborted"],
        "procrastinate_retry_job_v2(id, now(), NULL, NULL, NULL)",
    ),
    "cancel": (["todo"], "procrastinate_cancel_job_v1(id, false, false)"),
    "abort": (["todo", "doing"], "procrastinate_cancel_job_v1(id, true, false)"),
}
BULK_CHUNK = 500


def matching_jobs(
    *, queue: str = "", task: str = "", status: str = "", older_than: timedelta | None = None
) -> QuerySet[ProcrastinateJob]:
    jobs = ProcrastinateJob.objects.all()
    if queue:
        jobs = jobs.filter(queue_name=queue)
    if task:
        jobs = jobs.filter(task_name=task)
    if status:
        jobs = jobs.filter(status=status)
    if older_than is not None:
        # A job's age is the age of its id: ids grow with time, so this stays an index range.
        cutoff = _first_job_id_after(timezone.now() - older_than)
        jobs = jobs.filter(id__lt=cutoff)
    return jobs.order_by("-id")


def _first_job_id_after(moment: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT job_id FROM procrastinate_events"
            " WHERE type = 'deferred' AND at >= %s ORDER BY at LIMIT 1",
            [moment],
        )
        row = cursor.fetchone()
        return row[0] if row else 2**62


def apply_action(*, action: str, jobs: QuerySet[ProcrastinateJob]) -> int:
    """Retry, cancel or abort every job of `jobs` the action applies to; returns how many."""
    statuses, call = ACTIONS[action]
    ids = list(jobs.filter(status__in=statuses).values_list("id", flat=True))
    for start in range(0, len(ids), BULK_CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {call} FROM unnest(%s::bigint[]) AS id",  # noqa: S608 (fixed SQL)
                [ids[start : start + BULK_CHUNK]],
            )
    return len(ids)


def actionable_count(*, action: str, jobs: QuerySet[ProcrastinateJob]) -> int:
    return jobs.filter(status__in=ACTIONS[action][0]).count()


@dataclass(kw_only=True)
class QueueStats:
    name: str
    counts: dict[str, int]
    oldest_waiting: datetime | None
    finished_last_hour: int
    failed_last_hour: int
    paused: bool

    @property
    def oldest_waiting_age(self) -> timedelta | None:
        return timezone.now() - self.oldest_waiting if self.oldest_waiting else None


def queue_stats() -> list[QueueStats]:
    counts: dict[str, dict[str, int]] = {}
    for queue, _task, status, count in counts_by_queue_task_status():
        by_status = counts.setdefault(queue, dict.fromkeys(STATUSES, 0))
        by_status[status] = by_status.get(status, 0) + count
    oldest = oldest_waiting_by_queue()
    finished = _finished_last_hour_by_queue()
    paused = set(PausedQueue.objects.values_list("queue_name", flat=True))
    names = sorted(set(counts) | paused)
    return [
        QueueStats(
            name=name,
            counts=counts.get(name, dict.fromkeys(STATUSES, 0)),
            oldest_waiting=oldest.get(name),
            finished_last_hour=finished.get(name, (0, 0))[0],
            failed_last_hour=finished.get(name, (0, 0))[1],
            paused=name in paused,
        )
        for name in names
    ]


def counts_by_queue_task_status() -> list[tuple[str, str, str, int]]:
    """One index-only scan (ops_jobs_status_queue_task) shared by the overview and /metrics."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT queue_name, task_name, status::text, count(*) FROM procrastinate_jobs"
            " GROUP BY status, queue_name, task_name"
        )
        return cursor.fetchall()


def oldest_waiting_by_queue() -> dict[str, datetime]:
    # Waiting since it became due: its schedule, or its defer event.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT job.queue_name, min(coalesce(job.scheduled_at, event.at))
              FROM procrastinate_jobs AS job
              LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events
                                  WHERE job_id = job.id) AS event ON true
             WHERE job.id IN (SELECT min(id) FROM procrastinate_jobs
                               WHERE status = 'todo'
                                 AND (scheduled_at IS NULL OR scheduled_at <= now())
                               GROUP BY queue_name)
             GROUP BY job.queue_name
            """
        )
        return dict(cursor.fetchall())


def _finished_last_hour_by_queue() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT job.queue_name, count(*), count(*) FILTER (WHERE event.type = 'failed')
              FROM procrastinate_events AS event
              JOIN procrastinate_jobs AS job ON job.id = event.job_id
             WHERE event.at >= now() - interval '1 hour'
               AND event.type IN ('succeeded', 'failed')
             GROUP BY job.queue_name
            """
        )
        return {queue: (total, failed) for queue, total, failed in cursor.fetchall()}


def throughput_per_minute() -> list[tuple[datetime, int, int]]:
    """(minute, succeeded, failed) for each of the last 60 minutes, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH finished AS (
                SELECT date_trunc('minute', at) AS minute,
                       count(*) FILTER (WHERE type = 'succeeded') AS succeeded,
                       count(*) FILTER (WHERE type = 'failed') AS failed
                  FROM procrastinate_events
                 WHERE type IN ('succeeded', 'failed')
                   AND at >= date_trunc('minute', now()) - interval '59 minutes'
                 GROUP BY 1)
            SELECT minute, coalesce(succeeded, 0), coalesce(failed, 0)
              FROM generate_series(date_trunc('minute', now()) - interval '59 minutes',
                                   date_trunc('minute', now()), interval '1 minute') AS minute
              LEFT JOIN finished USING (minute)
             ORDER BY minute
            """
        )
        return cursor.fetchall()


def workers(*, stall_seconds: float) -> list[dict]:
    stale_before = timezone.now() - timedelta(seconds=stall_seconds)
    running = {}
    for job in ProcrastinateJob.objects.filter(status="doing", worker__isnull=False).order_by("id"):
        running.setdefault(job.worker_id, []).append(job)
    return [
        {
            "worker": worker,
            "alive": worker.last_heartbeat >= stale_before,
            "jobs": running.get(worker.id, []),
        }
        for worker in ProcrastinateWorker.objects.order_by("-last_heartbeat")
    ]


def fresh_worker_exists(*, stall_seconds: float) -> bool:
    stale_before = timezone.now() - timedelta(seconds=stall_seconds)
    return ProcrastinateWorker.objects.filter(last_heartbeat__gte=stale_before).exists()


def pause_queue(*, queue: str, by: str) -> None:
    PausedQueue.objects.get_or_create(queue_name=queue, defaults={"paused_by": by})


def resume_queue(*, queue: str) -> None:
    PausedQueue.objects.filter(queue_name=queue).delete()
    # Wake idle workers now rather than at their next poll.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_notify(channel, %s) FROM unnest(ARRAY['procrastinate_any_queue_v1',"
            " 'procrastinate_queue_v1#' || %s]) AS channel",
            ['{"type": "job_inserted", "job_id": 0}', queue],
        )
