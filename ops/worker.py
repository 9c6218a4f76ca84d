"""Worker middleware around every job: a log line at start and end, one stored row per attempt
(with the error and traceback of a failure), time limits, and recycling of the worker process.

Configured in PROCRASTINATE_WORKER_DEFAULTS, so `manage.py procrastinate worker` and the tests'
`run_worker` both run it. It imports nothing from Django models: settings.py imports it.
"""

import asyncio
import inspect
import logging
import os
import resource
import time
import traceback
import weakref
from typing import Any

from procrastinate import exceptions
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job
from procrastinate.middleware import AsyncCallNext
from procrastinate.worker import Worker

from ops.limits import TimeLimitExceeded, time_limit_for

logger = logging.getLogger("ops.jobs")

_jobs_done: "weakref.WeakKeyDictionary[Worker, int]" = weakref.WeakKeyDictionary()

RECORD_START = """
INSERT INTO ops_jobattempt (job_id, attempt, task_name, queue_name, worker_id, waited_seconds,
                            started_at, outcome, error, traceback)
SELECT %(job_id)s, %(attempt)s, %(task_name)s, %(queue_name)s, %(worker_id)s,
       GREATEST(0, EXTRACT(EPOCH FROM now() - GREATEST(
           (SELECT max(at) FROM procrastinate_events
             WHERE job_id = %(job_id)s AND type IN ('deferred', 'deferred_for_retry', 'retried')),
           %(scheduled_at)s::timestamptz))),
       now(), 'running', '', ''
ON CONFLICT (job_id, attempt) DO UPDATE
   SET started_at = now(), worker_id = EXCLUDED.worker_id, outcome = 'running',
       finished_at = NULL, error = '', traceback = ''
"""

RECORD_END = """
UPDATE ops_jobattempt
   SET finished_at = now(), outcome = %(outcome)s, error = %(error)s, traceback = %(traceback)s
 WHERE job_id = %(job_id)s AND attempt = %(attempt)s
"""


async def observe_jobs(call_next: AsyncCallNext, context: JobContext, worker: Worker) -> Any:
    job = context.job
    attempt = job.attempts + 1
    await _execute(worker, RECORD_START, **_start_params(job, attempt, worker))
    logger.info(
        "job started task=%s job_id=%s queue=%s attempt=%s",
        job.task_name, job.id, job.queue, attempt,
    )  # fmt: skip
    started = time.monotonic()
    outcome, error, trace = "succeeded", "", ""
    try:
        return await _run_within_time_limit(call_next, job, worker)
    except BaseException as exc:
        outcome = _outcome_of(exc, job, worker)
        error = f"{type(exc).__name__}: {exc}"
        trace = "".join(traceback.format_exception(exc))
        raise
    finally:
        duration = time.monotonic() - started
        end = {"outcome": outcome, "error": error, "traceback": trace}
        await asyncio.shield(_execute(worker, RECORD_END, job_id=job.id, attempt=attempt, **end))
        logger.info(
            "job finished task=%s job_id=%s queue=%s duration=%.3fs outcome=%s",
            job.task_name, job.id, job.queue, duration, outcome,
        )  # fmt: skip
        _recycle_if_due(worker)


def _start_params(job: Job, attempt: int, worker: Worker) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "attempt": attempt,
        "task_name": job.task_name,
        "queue_name": job.queue,
        "worker_id": worker.worker_id,
        "scheduled_at": job.scheduled_at,
    }


async def _execute(worker: Worker, query: str, **params: Any) -> None:
    await worker.app.connector.execute_query_async(query, **params)  # type: ignore[arg-type]


async def _run_within_time_limit(call_next: AsyncCallNext, job: Job, worker: Worker) -> Any:
    limit = time_limit_for(job.task_name)
    if limit is None:
        return await call_next()
    run = asyncio.ensure_future(call_next())
    try:
        done, _ = await asyncio.wait({run}, timeout=limit)
    except asyncio.CancelledError:
        run.cancel()
        raise
    if run in done:
        return run.result()
    task = worker.app.tasks.get(job.task_name)
    if task and inspect.iscoroutinefunction(task.func):
        run.cancel()
    else:
        # A thread cannot be killed: ask the task to abort (context.should_abort()) and wait
        # until it returns, by its own check or a network timeout.
        assert job.id is not None
        await worker.app.job_manager.cancel_job_by_id_async(job.id, abort=True)
    await asyncio.gather(run, return_exceptions=True)
    raise TimeLimitExceeded(f"time limit exceeded ({limit:g} s)")


def _outcome_of(exc: BaseException, job: Job, worker: Worker) -> str:
    if isinstance(exc, exceptions.JobAborted | asyncio.CancelledError):
        return "aborted"
    task = worker.app.tasks.get(job.task_name)
    if task and task.get_retry_exception(exception=exc, job=job):
        return "retrying"
    return "failed"


def _recycle_if_due(worker: Worker) -> None:
    from django.conf import settings

    done = _jobs_done.get(worker, 0) + 1
    _jobs_done[worker] = done
    max_jobs, max_mb = settings.WORKER_MAX_JOBS, settings.WORKER_MAX_MEMORY_MB
    reason = ""
    if max_jobs and done >= max_jobs:
        reason = f"ran {done} jobs (WORKER_MAX_JOBS={max_jobs})"
    elif max_mb and (rss := resident_memory_mb()) > max_mb:
        reason = f"uses {rss:.0f} MB (WORKER_MAX_MEMORY_MB={max_mb})"
    if reason:
        logger.warning(
            "recycling worker %s: it %s; its supervisor starts a new one", worker.worker_id, reason
        )
        worker.stop()


def resident_memory_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
