"""Global rate limits hold across workers, through Postgres; jobs over the limit wait."""

import time
from datetime import timedelta

from django.db.models import Min
from procrastinate.contrib.django.models import ProcrastinateJob

from ops.models import JobAttempt, RateLimitHit
from ops.ratelimits import sync_rate_limits
from tests import ops_tasks
from tests.worker_processes import worker_processes


def test_jobs_over_the_rate_limit_wait_instead_of_failing(run_worker, settings):
    settings.JOBS_QUEUE_RATE_LIMITS = {ops_tasks.QUEUE: "3/m"}
    sync_rate_limits()
    for n in range(10):
        ops_tasks.succeed.defer(n=n)

    run_worker(queues=[ops_tasks.QUEUE], concurrency=4)

    queued = ProcrastinateJob.objects.filter(queue_name=ops_tasks.QUEUE)
    statuses = list(queued.values_list("status", flat=True))
    assert statuses.count("succeeded") == 3
    assert statuses.count("todo") == 7


def test_a_rate_limit_holds_within_ten_percent_across_two_workers_over_a_minute(
    transactional_db, test_database_url
):
    assert sync_rate_limits()["task:tests.ops_rate_limited"] == (20, 10)
    for n in range(400):
        ops_tasks.rate_limited.defer(n=n)

    with worker_processes(
        test_database_url,
        count=2,
        queues=ops_tasks.QUEUE,
        options=["--concurrency", "4", "--fetch-job-polling-interval", "0.2"],
        **ops_tasks.WORKER_ENV,
    ):
        time.sleep(65)

    attempts = JobAttempt.objects.filter(task_name="tests.ops_rate_limited")
    first = attempts.aggregate(first=Min("started_at"))["first"]
    in_a_minute = attempts.filter(started_at__lt=first + timedelta(seconds=60))
    assert 108 <= in_a_minute.count() <= 132  # 20 per 10 s → 120 ± 10 %
    assert in_a_minute.values("worker_id").distinct().count() == 2
    assert not ProcrastinateJob.objects.filter(status="failed").exists()


def test_a_job_under_two_limits_waits_for_both_and_uses_a_slot_of_each(run_worker, settings):
    settings.JOBS_QUEUE_RATE_LIMITS = {ops_tasks.QUEUE: "1/m"}
    sync_rate_limits()  # tests.ops_rate_limited also has its own 20/10s
    first, second = ops_tasks.rate_limited.defer(n=1), ops_tasks.rate_limited.defer(n=2)

    run_worker(queues=[ops_tasks.QUEUE])

    assert ProcrastinateJob.objects.get(id=first).status == "succeeded"
    assert ProcrastinateJob.objects.get(id=second).status == "todo"
    hits = RateLimitHit.objects.values_list("scope", flat=True)
    assert sorted(hits) == ["queue:ops_tests", "task:tests.ops_rate_limited"]
