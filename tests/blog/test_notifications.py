import time

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from blog.models import Follow
from mail.models import Delivery
from mail.sending import PRIORITY_BULK, PRIORITY_TRANSACTIONAL
from tests.blog.conftest import make_post

FOLLOWERS = 250


def _followers(author, count: int = FOLLOWERS) -> list[User]:
    now = timezone.now()
    users = User.objects.bulk_create(
        User(username=f"fan{n}", email=f"fan{n}@example.com", email_verified_at=now)
        for n in range(count)
    )
    Follow.objects.bulk_create(Follow(follower=user, author=author) for user in users)
    return users


def _recipients(server) -> list[str]:
    return sorted(message["To"] for message in server.sink.messages)


def _make_due_now() -> None:
    # Retries wait about a minute; the test does not.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


def test_publishing_emails_each_of_250_followers_once_in_bulk_batches(
    run_worker, smtp_server, settings, author, client
):
    settings.NOTIFY_BATCH_SIZE = 100
    fans = _followers(author)
    post = make_post(author, "Big news", status="draft")
    client.force_login(author)

    client.post(
        reverse("blog:post_edit", args=[post.slug]), {"title": "Big news", "action": "publish"}
    )

    batches = ProcrastinateJob.objects.filter(task_name="notify_followers_batch")
    assert [len(job.args["follower_ids"]) for job in batches.order_by("id")] == [100, 100, 50]
    assert {(job.queue_name, job.priority) for job in batches} == {("emails", PRIORITY_BULK)}
    assert PRIORITY_BULK < PRIORITY_TRANSACTIONAL
    run_worker(queues=["emails"])

    assert _recipients(smtp_server) == sorted(fan.email for fan in fans)
    message = smtp_server.sink.messages[0]
    assert message["Subject"] == "New from ada: Big news"
    assert "/unsubscribe/" in message.get_body(("plain",)).get_content()


def test_a_batch_that_fails_halfway_and_is_retried_still_sends_exactly_one_email_each(
    run_worker, smtp_server, settings, author
):
    settings.NOTIFY_BATCH_SIZE = 100
    fans = _followers(author)
    accept = smtp_server.sink.handle_DATA
    seen = {"count": 0}

    async def fail_once_in_the_middle_of_the_second_batch(server, session, envelope):
        seen["count"] += 1
        if seen["count"] == 150:
            return "451 try again later"
        return await accept(server, session, envelope)

    smtp_server.sink.handle_DATA = fail_once_in_the_middle_of_the_second_batch
    make_post(author, "Flaky", status="draft").publish()

    run_worker(queues=["emails"])
    assert len(smtp_server.sink.messages) == 100 + 49 + 50
    _make_due_now()
    run_worker(queues=["emails"])

    assert _recipients(smtp_server) == sorted(fan.email for fan in fans)
    assert Delivery.objects.filter(purpose="new_post").count() == FOLLOWERS
    jobs = ProcrastinateJob.objects.filter(task_name="notify_followers_batch")
    assert sorted((job.status, job.attempts) for job in jobs) == [
        ("succeeded", 1),
        ("succeeded", 1),
        ("succeeded", 2),
    ]


def test_a_scheduled_publication_notifies_followers_after_it_commits(
    run_worker, smtp_server, author
):
    (fan,) = _followers(author, 1)
    post = make_post(author, "On time", status="draft")
    post.schedule(at=timezone.now() + timezone.timedelta(milliseconds=300))
    time.sleep(0.5)
    run_worker()
    run_worker(queues=["emails"])

    assert _recipients(smtp_server) == [fan.email]


def test_followers_who_unfollowed_before_the_batch_ran_get_nothing(run_worker, smtp_server, author):
    stays, leaves = _followers(author, 2)
    make_post(author, "Goodbye", status="draft").publish()
    Follow.stop(follower_id=leaves.pk, author_id=author.pk)

    run_worker(queues=["emails"])

    assert _recipients(smtp_server) == [stays.email]
