"""The seed's fan-out pattern on Celery 5 + Redis: one task per email, `.delay()` in a loop.

Each task sends its one email through the product's own pipeline (blog.notifications with a
batch of one follower: render, delivery row, SMTP), so only the queue and the shape of the work
differ from Quick Publisher's batches. Benchmark-only; the product never imports Celery.
`celery -A bench.celery_mail worker` runs bench.celery_app's app with this task added.
"""

import os

import django

from bench.celery_app import app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from blog.notifications import notify_followers  # noqa: E402 (needs django.setup())

QUEUE = "bench_mail"


@app.task(name="bench.notify_follower", queue=QUEUE)
def notify_follower(post_id: int, follower_id: int) -> None:
    notify_followers(post_id=post_id, follower_ids=[follower_id])
