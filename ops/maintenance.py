"""Self-healing and housekeeping: rescue the jobs of dead workers, prune old finished jobs."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

logger = logging.getLogger("ops.jobs")

# Jobs in `doing` whose worker stopped heartbeating (or whose worker row is already gone).
STALLED_JOBS = """
SELECT job.id
  FROM procrastinate_jobs AS job
  LEFT JOIN procrastinate_workers AS worker ON worker.id = job.worker_id
 WHERE job.status = 'doing'
   AND (worker.id IS NULL OR worker.last_heartbeat < now() - make_interval(secs => %s))
 ORDER BY job.id
 FOR UPDATE OF job SKIP LOCKED
"""

COUNT_RESCUE = """
INSERT INTO ops_jobrescue (job_id, count, last_rescued_at) VALUES (%s, 1, now())
ON CONFLICT (job_id) DO UPDATE SET count = ops_jobrescue.count + 1, last_rescued_at = now()
RETURNING count
"""

# Close the attempt the dead worker left `running` (or record one if it died before writing it).
CLOSE_LOST_ATTEMPT = """
INSERT INTO ops_jobattempt (job_id, attempt, task_name, queue_name, worker_id, waited_seconds,
                            started_at, finished_at, outcome, error, traceback)
SELECT id, attempts + 1, task_name, queue_name, worker_id, 0, now(), now(), %s, %s, ''
  FROM procrastinate_jobs WHERE id = %s
ON CONFLICT (job_id, attempt) DO UPDATE
   SET finished_at = now(), outcome = EXCLUDED.outcome, error = EXCLUDED.error
"""


@dataclass(frozen=True, kw_only=True)
class RescueReport:
    requeued: list[int]
    failed: list[int]


def rescue_stalled_jobs(
    *, stall_seconds: float | None = None, cap: int | None = None
) -> RescueReport:
    """Put the jobs of dead workers back in their queue; a job rescued `cap` times ends failed."""
    stall_seconds = settings.JOBS_STALL_SECONDS if stall_seconds is None else stall_seconds
    cap = settings.JOBS_RESCUE_MAX if cap is None else cap
    requeued, failed = [], []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(STALLED_JOBS, [stall_seconds])
        for (job_id,) in cursor.fetchall():
            (requeued if _rescue(cursor, job_id=job_id, cap=cap) else failed).append(job_id)
    if requeued or failed:
        logger.warning("rescued stalled jobs: requeued=%s failed=%s", requeued, failed)
    return RescueReport(requeued=requeued, failed=failed)


def _rescue(cursor: CursorWrapper, *, job_id: int, cap: int) -> bool:
    """Requeue one stalled job, or fail it once it has been rescued more than `cap` times."""
    cursor.execute(COUNT_RESCUE, [job_id])
    (count,) = cursor.fetchone()
    if count > cap:
        reason = f"worker lost {count} times while running this job (rescue cap {cap} reached)"
        cursor.execute(CLOSE_LOST_ATTEMPT, ["failed", reason, job_id])
        cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'failed', false)", [job_id])
        return False
    reason = f"worker stopped heartbeating; job requeued (rescue {count} of {cap})"
    cursor.execute(CLOSE_LOST_ATTEMPT, ["lost", reason, job_id])
    cursor.execute("SELECT procrastinate_retry_job_v2(%s, now(), NULL, NULL, NULL)", [job_id])
    return True


PRUNE_BATCH = """
DELETE FROM procrastinate_jobs WHERE id IN (
    SELECT job.id FROM procrastinate_jobs AS job
     WHERE job.status = ANY(%s::procrastinate_job_status[])
       AND job.id < %s
       AND NOT EXISTS (
           SELECT 1 FROM procrastinate_events AS event
            WHERE event.job_id = job.id AND event.at >= now() - make_interval(days => %s))
     ORDER BY job.id
     LIMIT %s
     FOR UPDATE SKIP LOCKED)
"""

FINISHED_STATUSES = {
    "succeeded": ["succeeded"],
    "failed": ["failed", "cancelled", "aborted"],
}


def prune_finished_jobs(*, batch_size: int | None = None) -> int:
    """Delete finished jobs older than their retention, with their events and stored attempts.

    Each batch is its own short transaction, so the tables are never locked for long.
    """
    batch_size = batch_size or settings.JOBS_PRUNE_BATCH
    retention = {
        "succeeded": settings.JOBS_RETENTION_SUCCEEDED_DAYS,
        "failed": settings.JOBS_RETENTION_FAILED_DAYS,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM procrastinate_jobs")
        (ceiling,) = cursor.fetchone()
    removed = 0
    for kind, statuses in FINISHED_STATUSES.items():
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(PRUNE_BATCH, [statuses, ceiling, retention[kind], batch_size])
                removed += cursor.rowcount
            if cursor.rowcount < batch_size:
                break
    if removed:
        logger.info("pruned %s finished jobs", removed)
    return removed
