"""The Celery + Redis twin of bench.tasks: same job bodies, Redis broker, no result backend."""

import os

from celery import Celery

from bench.probe import record_latency

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Every key this benchmark writes in Redis starts with this prefix, and only those are deleted.
KEY_PREFIX = "quick_publisher_bench:"
QUEUE = "bench"

app = Celery("bench", broker=REDIS_URL)
app.conf.update(
    task_ignore_result=True,
    task_default_queue=QUEUE,
    broker_transport_options={"global_keyprefix": KEY_PREFIX},
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="bench.noop")
def noop() -> None:
    pass


@app.task(name="bench.probe")
def probe(*, sent_at: float) -> None:
    record_latency(sent_at)
