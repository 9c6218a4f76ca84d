"""The staff dashboard, /metrics and /health/worker, without a worker: access and bulk actions."""

import pytest
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User


@app.task(name="tests.ops_noop", queue="ops_tests")
def ops_noop(*, n: int = 0) -> None:
    return None


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("sam", "sam@example.com", "pw-staff-123", is_staff=True)


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("rita", "rita@example.com", "pw-reader-123")


def fail_jobs(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'failed', attempts = 1 WHERE id = ANY(%s)",
            [ids],
        )


@pytest.fixture
def job_id(db) -> int:
    return ops_noop.defer(n=1)


def pages(job_id: int) -> list[str]:
    return [
        reverse("ops:overview"),
        reverse("ops:jobs") + "?queue=ops_tests&status=todo",
        reverse("ops:job_detail", args=[job_id]),
        reverse("ops:workers"),
        reverse("ops:periodic"),
        reverse("ops:bulk_action", args=["retry"]) + "?status=failed",
    ]


def actions(job_id: int) -> list[tuple[str, dict]]:
    return [
        (reverse("ops:job_action", args=[job_id, "cancel"]), {}),
        (reverse("ops:job_action", args=[job_id, "abort"]), {}),
        (reverse("ops:bulk_action", args=["cancel"]) + "?queue=ops_tests", {}),
        (reverse("ops:queue_pause"), {"queue": "ops_tests"}),
        (reverse("ops:queue_resume"), {"queue": "ops_tests"}),
        (reverse("ops:periodic_run"), {"key": "ops.prune_finished_jobs:hourly"}),
    ]


def test_anonymous_and_ordinary_users_are_sent_to_log_in_on_every_page(client, reader, job_id):
    for user in (None, reader):
        if user:
            client.force_login(user)
        for url in pages(job_id):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_and_ordinary_users_cannot_act_on_jobs_or_queues(client, reader, job_id):
    for user in (None, reader):
        if user:
            client.force_login(user)
        for url, data in actions(job_id):
            assert client.post(url, data).status_code == 302, url
    assert ProcrastinateJob.objects.get(id=job_id).status == "todo"
    assert ProcrastinateJob.objects.count() == 1
    assert not client.get(reverse("ops:overview")).content.count(b"paused")


def test_staff_see_every_page(client, staff, job_id):
    client.force_login(staff)
    for url in pages(job_id):
        response = client.get(url)
        assert response.status_code == 200, url
    overview = client.get(reverse("ops:overview")).content.decode()
    assert "ops_tests" in overview
    assert "<svg" in overview


def test_staff_actions_change_the_jobs_and_queues(client, staff, job_id):
    client.force_login(staff)
    for url, data in actions(job_id):
        assert client.post(url, data).status_code == 302, url
    assert ProcrastinateJob.objects.get(id=job_id).status == "cancelled"
    assert ProcrastinateJob.objects.filter(task_name="ops.prune_finished_jobs").count() == 1


def test_unknown_actions_and_jobs_answer_404_not_500(client, staff, job_id):
    client.force_login(staff)
    assert client.post(reverse("ops:job_action", args=[job_id, "explode"])).status_code == 404
    assert client.get(reverse("ops:bulk_action", args=["explode"])).status_code == 404
    assert client.get(reverse("ops:job_detail", args=[999_999])).status_code == 404
    assert client.get(reverse("ops:jobs") + "?status=bogus&before=x").status_code == 200


def test_bulk_retry_of_100_failed_jobs_confirms_the_count_then_requeues_them(client, staff):
    ids = [ops_noop.defer(n=n) for n in range(100)]
    fail_jobs(ids)
    ops_noop.defer(n=-1)  # still waiting: not part of the retry
    client.force_login(staff)
    url = reverse("ops:bulk_action", args=["retry"]) + "?queue=ops_tests&status=failed"

    confirm = client.get(url)
    assert "Retry 100 jobs?" in confirm.content.decode()
    assert ProcrastinateJob.objects.filter(status="failed").count() == 100

    response = client.post(url, follow=True)
    assert "Retry: 100 job(s)." in response.content.decode()
    assert ProcrastinateJob.objects.filter(id__in=ids, status="todo").count() == 100


def test_paused_queues_are_stored_and_listed(client, staff, job_id):
    client.force_login(staff)
    client.post(reverse("ops:queue_pause"), {"queue": "ops_tests"})
    assert "paused" in client.get(reverse("ops:overview")).content.decode()
    client.post(reverse("ops:queue_resume"), {"queue": "ops_tests"})
    assert "paused" not in client.get(reverse("ops:overview")).content.decode()


def test_metrics_need_a_staff_session_or_the_bearer_token(client, reader, staff, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    url = reverse("ops:metrics")
    assert client.get(url).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    client.force_login(reader)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_an_empty_metrics_token_setting_never_lets_anyone_in(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert (
        client.get(reverse("ops:metrics"), headers={"Authorization": "Bearer "}).status_code == 403
    )


def test_metrics_match_the_database(client, staff):
    ids = [ops_noop.defer(n=n) for n in range(7)]
    fail_jobs(ids[:3])
    client.force_login(staff)

    text = client.get(reverse("ops:metrics")).content.decode()

    assert 'procrastinate_jobs{queue="ops_tests",status="todo"} 4.0' in text
    assert 'procrastinate_jobs{queue="ops_tests",status="failed"} 3.0' in text
    assert 'procrastinate_jobs_finished{outcome="failed",task="tests.ops_noop"} 3.0' in text
    assert 'procrastinate_oldest_waiting_job_age_seconds{queue="ops_tests"}' in text
    assert "procrastinate_live_workers 0.0" in text


def test_worker_health_is_503_without_a_fresh_heartbeat_and_200_with_one(client, db):
    url = reverse("ops:health_worker")
    assert client.get(url).status_code == 503
    with connection.cursor() as cursor:
        cursor.execute("SELECT procrastinate_register_worker_v1()")
    assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
        )
    assert client.get(url).status_code == 503


def test_the_workers_page_shows_each_worker_alive_or_stale_with_its_running_jobs(
    client, staff, job_id
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT procrastinate_register_worker_v1()")
        (alive,) = cursor.fetchone()
        cursor.execute("SELECT procrastinate_register_worker_v1()")
        (stale,) = cursor.fetchone()
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
            " WHERE id = %s",
            [stale],
        )
        cursor.execute("SELECT procrastinate_fetch_job_v2(NULL, %s)", [alive])
    client.force_login(staff)

    page = client.get(reverse("ops:workers")).content.decode()

    assert f"#{alive}" in page and f"#{stale}" in page
    assert "alive" in page and "stale" in page
    assert f"#{job_id} tests.ops_noop" in page


def test_the_periodic_page_lists_the_maintenance_schedules(client, staff):
    client.force_login(staff)

    page = client.get(reverse("ops:periodic")).content.decode()

    assert "ops.rescue_stalled_jobs" in page and "* * * * *" in page
    assert "ops.prune_finished_jobs" in page and "17 * * * *" in page
