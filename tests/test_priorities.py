"""Priorities as workers see them: the fetch every worker calls claims higher priority first."""

from django.db import connection

from accounts.tasks import send_verification_email
from blog.tasks import notify_followers_batch


def claim_next(worker_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM procrastinate_fetch_job_v2(%s, %s)", [["emails"], worker_id])
        return cursor.fetchone()[0]


def test_a_verification_email_queued_last_is_claimed_before_waiting_follower_notifications(db):
    bulk = [notify_followers_batch.defer(post_id=1, follower_ids=[n]) for n in range(3)]
    verification = send_verification_email.defer(user_id=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT procrastinate_register_worker_v1()")
        (worker_id,) = cursor.fetchone()

    claimed = [claim_next(worker_id) for _ in range(4)]

    assert claimed == [verification, *bulk]
