"""Ops features that need a real worker: stored errors, pause, time limits, rescue, recycling."""

import signal
import time
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from ops import jobs, maintenance
from ops.models import JobAttempt
from tests import ops_tasks
from tests.worker_processes import wait_until, worker_processes

QUEUES = [ops_tasks.QUEUE]


def status_of(job_id: int) -> str:
    return ProcrastinateJob.objects.get(id=job_id).status


def test_every_failed_attempt_keeps_its_error_and_traceback_on_the_job_page(run_worker, client):
    job_id = ops_tasks.fail_twice.defer(n=7)

    run_worker(queues=QUEUES, allow_failed=True)

    attempts = list(JobAttempt.objects.filter(job_id=job_id))
    assert [a.outcome for a in attempts] == ["retrying", "failed"]
    assert all(a.error == "ValueError: the upstream answered 502 for item 7" for a in attempts)
    assert "Traceback" in attempts[0].traceback and "fail_twice" in attempts[0].traceback
    client.force_login(User.objects.create_user("sam", "s@example.com", "pw", is_staff=True))
    page = client.get(reverse("ops:job_detail", args=[job_id])).content.decode()
    assert "Attempt 2" in page and "the upstream answered 502 for item 7" in page
    assert "deferred_for_retry" in page


def test_a_paused_queue_keeps_its_jobs_waiting_until_it_is_resumed(run_worker):
    jobs.pause_queue(queue=ops_tasks.QUEUE, by="sam")
    paused_job = ops_tasks.succeed.defer(n=1)

    run_worker(queues=None)
    assert status_of(paused_job) == "todo"

    jobs.resume_queue(queue=ops_tasks.QUEUE)
    run_worker(queues=None)
    assert status_of(paused_job) == "succeeded"


def test_an_async_task_over_its_time_limit_is_cancelled_and_fails(run_worker):
    job_id = ops_tasks.sleep_async.defer(seconds=30)
    run_worker(queues=QUEUES, allow_failed=True)

    assert status_of(job_id) == "failed"
    attempt = JobAttempt.objects.get(job_id=job_id)
    assert attempt.error == "TimeLimitExceeded: time limit exceeded (0.5 s)"


def test_a_sync_task_over_its_time_limit_is_asked_to_abort_and_fails(run_worker):
    job_id = ops_tasks.poll_until_aborted.defer(seconds=60)

    run_worker(queues=QUEUES, allow_failed=True, abort_job_polling_interval=0.1)

    assert status_of(job_id) == "failed"
    attempt = JobAttempt.objects.get(job_id=job_id)
    assert attempt.error == "TimeLimitExceeded: time limit exceeded (0.5 s)"
    assert attempt.duration < 60


def test_a_worker_recycles_itself_after_its_job_budget(run_worker, settings):
    settings.WORKER_MAX_JOBS = 2
    ids = [ops_tasks.succeed.defer(n=n) for n in range(5)]

    run_worker(queues=QUEUES)

    assert [status_of(i) for i in ids].count("succeeded") == 2
    assert [status_of(i) for i in ids].count("todo") == 3


def test_the_job_of_a_killed_worker_is_rescued_and_succeeds_once(
    run_worker, test_database_url, tmp_path
):
    marker = tmp_path / "runs"
    job_id = ops_tasks.hang_until_killed.defer(marker=str(marker))
    with worker_processes(
        test_database_url, count=1, queues=ops_tasks.QUEUE, **ops_tasks.WORKER_ENV
    ) as (worker,):
        try:
            wait_until(lambda: marker.exists() and status_of(job_id) == "doing", what="the job")
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()

    assert maintenance.rescue_stalled_jobs(stall_seconds=60).requeued == []  # heartbeat still fresh
    time.sleep(1.5)
    report = maintenance.rescue_stalled_jobs(stall_seconds=1)
    assert report.requeued == [job_id]

    run_worker(queues=QUEUES)

    assert status_of(job_id) == "succeeded"
    assert marker.read_text() == "succeeded\n"
    outcomes = list(JobAttempt.objects.filter(job_id=job_id).values_list("outcome", flat=True))
    assert outcomes == ["lost", "succeeded"]


def strand(job_id: int) -> None:
    """What a worker killed mid-job leaves behind: the job `doing`, its worker row gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL WHERE id = %s",
            [job_id],
        )


def test_a_job_that_kills_its_worker_every_time_fails_after_the_rescue_cap(transactional_db):
    poison = ops_tasks.succeed.defer(n=666)
    healthy = ops_tasks.succeed.defer(n=1)
    for _ in range(3):
        strand(poison)
        assert maintenance.rescue_stalled_jobs(stall_seconds=1, cap=3).requeued == [poison]
    strand(poison)
    assert maintenance.rescue_stalled_jobs(stall_seconds=1, cap=3).failed == [poison]

    assert status_of(poison) == "failed"
    assert status_of(healthy) == "todo"
    attempts = list(JobAttempt.objects.filter(job_id=poison))
    assert [a.outcome for a in attempts] == ["lost", "lost", "lost", "failed"]
    assert attempts[-1].error == "worker lost 4 times while running this job (rescue cap 3 reached)"


def age_job(job_id: int, days: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = now() - make_interval(days => %s)"
            " WHERE job_id = %s",
            [days, job_id],
        )


def test_pruning_removes_only_finished_jobs_older_than_their_retention(run_worker):
    old_success, new_success, old_failure, young_failure, old_waiting = (
        ops_tasks.succeed.defer(n=n) for n in range(5)
    )
    run_worker(queues=QUEUES)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'todo' WHERE id = %s", [old_waiting])
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'failed' WHERE id IN (%s, %s)",
            [old_failure, young_failure],
        )
    age_job(old_success, 15)
    age_job(old_failure, 91)
    age_job(young_failure, 30)
    age_job(old_waiting, 400)

    removed = maintenance.prune_finished_jobs(batch_size=1)

    assert removed == 2
    remaining = set(
        ProcrastinateJob.objects.filter(queue_name=ops_tasks.QUEUE).values_list("id", flat=True)
    )
    assert remaining == {new_success, young_failure, old_waiting}
    assert not JobAttempt.objects.filter(job_id__in=[old_success, old_failure]).exists()
    assert JobAttempt.objects.filter(job_id=new_success).exists()


def test_the_jobs_filter_finds_jobs_by_age(transactional_db):
    old, new = ops_tasks.succeed.defer(n=1), ops_tasks.succeed.defer(n=2)
    age_job(old, 2)

    assert list(jobs.matching_jobs(older_than=timedelta(days=1))) == [
        ProcrastinateJob.objects.get(id=old)
    ]
    assert jobs.matching_jobs(older_than=timedelta(days=3)).count() == 0
    assert jobs.matching_jobs().count() == 2 and new
