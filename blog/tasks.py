import datetime

from procrastinate.contrib.django import app

from blog.covers import process_cover
from blog.notifications import notify_followers, publish_scheduled
from mail.sending import PRIORITY_BULK, QUEUE, RETRY
from ops.retry import DATABASE_BLIPS


@app.task(name="publish_post", queue="publishing", retry=DATABASE_BLIPS)
def publish_post(*, post_id: int, publish_at: str) -> None:
    # The expected time makes a job left over from an earlier schedule a no-op.
    publish_scheduled(post_id=post_id, publish_at=datetime.datetime.fromisoformat(publish_at))


@app.task(name="notify_followers_batch", queue=QUEUE, priority=PRIORITY_BULK, retry=RETRY)
def notify_followers_batch(*, post_id: int, follower_ids: list[int]) -> None:
    notify_followers(post_id=post_id, follower_ids=follower_ids)


@app.task(name="process_cover_image", queue="media", retry=DATABASE_BLIPS)
def process_cover_image(*, post_id: int) -> None:
    process_cover(post_id=post_id)
