"""The seed's fan-out pattern on Celery 5 + Redis: one task per email, `.delay()` in a loop.

Each task sends its one email through the product's own pipeline (blog.notifications with a
batch of one follower: render, delivery row, SMTP), so only the queue and the shape of the work
differ from Quick Publisher's batches. Benchmark-only; the product never imports Celery.
"""

import os

import django
from celery import Celery

from bench.celery_app import KEY_PREFIX, REDIS_URL

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from blog.notifications import notify_followers  # noqa: E402 (needs django.setup())

QUEUE = "bench_mail"

app = Celery("bench_mail", broker=REDIS_URL)
app.conf.update(
    task_ignore_result=True,
    task_default_queue=QUEUE,
    broker_transport_options={"global_keyprefix": KEY_PREFIX},
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="bench.notify_follower")
def notify_follower(post_id: int, follower_id: int) -> None:
    notify_followers(post_id=post_id, follower_ids=[follower_id])
