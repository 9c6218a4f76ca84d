import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from blog.models import Post
from blog.tasks import publish_post
from tests.blog.conftest import make_post

AHEAD = timedelta(seconds=1.5)


def _wait_until_due(at) -> None:
    time.sleep(max(0.0, (at - timezone.now()).total_seconds()) + 0.2)


def _visible(post: Post) -> bool:
    return Client().get(post.get_absolute_url()).status_code == 200


def test_a_scheduled_post_appears_only_once_the_worker_publishes_it(run_worker, author):
    post = make_post(author, "Coming soon", status="draft")
    at = timezone.now() + AHEAD
    post.schedule(at=at)

    run_worker()
    assert not _visible(post)
    assert ProcrastinateJob.objects.get(task_name="publish_post").scheduled_at == at

    _wait_until_due(at)
    run_worker()

    post.refresh_from_db()
    assert post.status == "published"
    assert _visible(post)


def test_rescheduling_later_prevents_publication_at_the_old_time(run_worker, author):
    post = make_post(author, "Moved", status="draft")
    first = timezone.now() + AHEAD
    post.schedule(at=first)
    post.schedule(at=first + timedelta(hours=1))

    _wait_until_due(first)
    run_worker()

    post.refresh_from_db()
    assert (post.status, post.publish_at) == ("scheduled", first + timedelta(hours=1))
    assert not _visible(post)
    jobs = ProcrastinateJob.objects.filter(task_name="publish_post").order_by("id")
    assert [job.status for job in jobs] == ["cancelled", "todo"]


def test_a_stale_publish_job_that_escaped_cancellation_does_nothing(author):
    post = make_post(author, "Raced", status="draft")
    first = timezone.now() + AHEAD
    post.schedule(at=first + timedelta(hours=1))

    # What a job already running when the author rescheduled would do.
    publish_post(post_id=post.pk, publish_at=first.isoformat())

    post.refresh_from_db()
    assert post.status == "scheduled"


def test_unscheduling_prevents_publication(run_worker, author):
    post = make_post(author, "Cancelled", status="draft")
    at = timezone.now() + AHEAD
    post.schedule(at=at)
    post.unschedule()

    _wait_until_due(at)
    run_worker()

    post.refresh_from_db()
    assert (post.status, post.publish_at) == ("draft", None)
    assert not _visible(post)
    assert ProcrastinateJob.objects.get(task_name="publish_post").status == "cancelled"


def test_publishing_twice_publishes_once(author):
    post = make_post(author, "Once", status="draft")
    assert post.publish() is True
    first = post.published_at

    assert post.publish() is False
    post.refresh_from_db()
    assert post.published_at == first


@pytest.mark.django_db
def test_an_author_schedules_from_the_editor_and_sees_the_schedule(author_client, author):
    post = make_post(author, "Later", status="draft")
    at = timezone.localtime() + timedelta(days=2)

    author_client.post(
        reverse("blog:post_edit", args=[post.slug]),
        {
            "title": "Later",
            "body": "",
            "action": "schedule",
            "publish_at": at.strftime("%Y-%m-%dT%H:%M"),
        },
    )

    post.refresh_from_db()
    assert post.status == "scheduled"
    assert post.publish_at == at.replace(second=0, microsecond=0)
    job = ProcrastinateJob.objects.get(task_name="publish_post")
    assert job.args == {"post_id": post.pk, "publish_at": post.publish_at.isoformat()}
