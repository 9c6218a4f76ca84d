"""The core promise: a job and the row it refers to commit together, or not at all."""

import pytest
from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from ops.deferring import in_transaction

seen_by_worker: list[tuple[int, str]] = []


@app.task(name="tests.record_username", queue="tests")
def record_username(*, user_id: int) -> None:
    # Raises DoesNotExist if the job could run before the row committed (the seed's race).
    seen_by_worker.append((user_id, User.objects.get(pk=user_id).username))


def test_a_job_deferred_with_its_row_runs_in_the_worker_and_sees_the_row(run_worker):
    seen_by_worker.clear()
    with transaction.atomic():
        user = User.objects.create_user("ada", "ada@example.com", "correct horse battery")
        job_id = record_username.defer(user_id=user.pk)

    run_worker(queues=["tests"])

    assert seen_by_worker == [(user.pk, "ada")]
    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"


def test_when_the_block_raises_neither_the_row_nor_the_job_exists(run_worker):
    seen_by_worker.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.create_user("grace", "grace@example.com", "correct horse battery")
        record_username.defer(user_id=1)
        raise RuntimeError("the request failed after deferring")

    run_worker(queues=["tests"])

    assert not User.objects.filter(username="grace").exists()
    assert not ProcrastinateJob.objects.filter(task_name="tests.record_username").exists()
    assert seen_by_worker == []


def test_the_harness_fails_a_test_whose_job_ended_failed(run_worker):
    record_username.defer(user_id=999_999)

    with pytest.raises(pytest.fail.Exception, match="tests.record_username"):
        run_worker(queues=["tests"])
    run_worker(queues=["tests"], allow_failed=True)


@app.task(name="tests.create_user_then_defer_child", queue="tests")
def create_user_then_defer_child(*, username: str, fail: bool) -> None:
    with transaction.atomic():
        user = User.objects.create_user(username, f"{username}@example.com", "pw-long-enough")
        in_transaction(record_username).defer(user_id=user.pk)
        if fail:
            raise RuntimeError("the task failed after deferring its child")


def test_a_task_that_defers_a_child_and_then_fails_leaves_no_child(run_worker):
    create_user_then_defer_child.defer(username="lin", fail=True)

    run_worker(queues=["tests"], allow_failed=True)

    assert not User.objects.filter(username="lin").exists()
    assert not ProcrastinateJob.objects.filter(task_name="tests.record_username").exists()


def test_a_child_deferred_inside_a_task_commits_with_the_task_and_runs(run_worker):
    seen_by_worker.clear()
    create_user_then_defer_child.defer(username="mae", fail=False)

    run_worker(queues=["tests"])

    user = User.objects.get(username="mae")
    assert seen_by_worker == [(user.pk, "mae")]
