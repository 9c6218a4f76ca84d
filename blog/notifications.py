"""New-post notifications: one job per batch of followers, one email per (post, follower)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse

from blog.models import Follow, Post
from mail.sending import PRIORITY_BULK, QUEUE, Email, send_many
from ops.deferring import in_transaction

UNSUBSCRIBE_SALT = "blog.unsubscribe"


def defer_notifications(*, post_id: int) -> list[int]:
    """Defer one `notify_followers_batch` job per NOTIFY_BATCH_SIZE followers of the post's author.

    Called in the transaction that publishes the post, so the jobs commit with it.
    """
    from blog.tasks import notify_followers_batch

    author_id = Post.objects.values_list("author_id", flat=True).get(pk=post_id)
    follower_ids = list(
        Follow.objects.filter(author_id=author_id)
        .order_by("follower_id")
        .values_list("follower_id", flat=True)
    )
    size = settings.NOTIFY_BATCH_SIZE
    batches = [follower_ids[i : i + size] for i in range(0, len(follower_ids), size)]
    if not batches:
        return []
    deferrer = in_transaction(notify_followers_batch, queue=QUEUE, priority=PRIORITY_BULK)
    return deferrer.batch_defer(*({"post_id": post_id, "follower_ids": ids} for ids in batches))


def publish_scheduled(*, post_id: int, publish_at: datetime.datetime) -> bool:
    """Publish a scheduled post if it is still scheduled for exactly `publish_at`.

    Runs in the worker: the fan-out jobs are deferred on Django's connection, so they commit
    with the publication or not at all.
    """
    with transaction.atomic():
        published = Post._mark_published(
            Post.objects.filter(pk=post_id, status=Post.Status.SCHEDULED, publish_at=publish_at)
        )
        if published:
            defer_notifications(post_id=post_id)
    return published


def notify_followers(*, post_id: int, follower_ids: list[int]) -> int:
    """Email the post to those of `follower_ids` still following its author; returns emails sent."""
    post = Post.objects.published().select_related("author").filter(pk=post_id).first()
    if post is None:
        return 0
    followers = (
        get_user_model()
        .objects.filter(pk__in=follower_ids, following__author_id=post.author_id)
        .exclude(email="")
        .order_by("pk")
    )
    post_url = settings.SITE_URL + post.get_absolute_url()
    return send_many(
        Email(
            purpose="new_post",
            to_user=follower,
            key=f"new_post:{post.pk}:{follower.pk}",
            context={
                "post": post,
                "post_url": post_url,
                "unsubscribe_url": unsubscribe_url(
                    follower_id=follower.pk, author_id=post.author_id
                ),
            },
        )
        for follower in followers
    )


def unsubscribe_url(*, follower_id: int, author_id: int) -> str:
    token = signing.dumps([follower_id, author_id], salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.SITE_URL + reverse("blog:unsubscribe", kwargs={"token": token})


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    """(follower_id, author_id) from a link we signed, or None for a forged or garbled one."""
    try:
        follower_id, author_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(follower_id), int(author_id)
