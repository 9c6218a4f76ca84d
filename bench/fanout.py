"""Fan-out of a new post to all followers, beside the seed's Celery pattern and the sink's limit."""

import smtplib
import subprocess
import time

from django.contrib.auth import get_user_model
from django.utils import timezone

from bench import harness, processes, queues, workload
from bench.workload import Sink

ORDER = 60
INTERLEAVED = True
SCENARIO = "User-visible: follower fan-out"
QP = "Quick Publisher"
CELERY = "Celery + Redis, task per email"
CEILING = "SMTP sink ceiling"
WORKER_PROCESSES = 2
METRIC = "emails"
DESCRIPTION = f"""
One post published to every follower of its author (10,000 in the full run, 1,000 in the quick
one), measured from the publish until the last email reaches a local SMTP sink (aiosmtpd in its
own process, counting messages without parsing them). Quick Publisher: `post.publish()` defers one
`notify_followers_batch` job per `NOTIFY_BATCH_SIZE` followers, {WORKER_PROCESSES} worker processes
each send a batch over one SMTP connection. Celery + Redis (the seed pattern): the same publish,
then `.delay()` once per follower in a loop, `celery worker --pool prefork --concurrency
{WORKER_PROCESSES}`, each task sending its one email through the same pipeline (rendering, delivery
row, SMTP). SMTP sink ceiling: a plain `smtplib` client sending the same number of rendered
messages over one connection. The three are interleaved, round by round.

Where the time goes (py-spy on both workers, 5,000 followers, while writing this scenario): the
worker threads spend most of their samples waiting, not computing: 44 % in the SMTP exchange
(MAIL, RCPT, DATA and the message: four round trips per email), 33 % on PostgreSQL (the delivery
row's INSERT and its COMMIT, two round trips per email), rendering and signing under 3 %. So a
batch is bound by per-message round trips times the threads a worker runs at once (Procrastinate
runs `def` tasks in asyncio's default executor, min(32, cores + 4) = 6 threads here, so
`WORKER_CONCURRENCY=8` measured the same as 4). What would lift it: one INSERT … ON CONFLICT DO
NOTHING RETURNING for a whole batch's delivery rows before sending (a design change to the mail
pipeline's idempotency: a crash between that commit and the send would lose the email rather
than risk a second one), and SMTP pipelining, which `smtplib` does not implement.
"""
TARGETS = [
    {
        "label": "follower fan-out ≥ 3× the Celery one-task-per-email pattern",
        "metric": METRIC,
        "variant": QP,
        "field": "ratio",
        "op": ">=",
        "limit": 3.0,
    },
    {
        "label": "follower fan-out ≥ 50 % of the SMTP sink's ceiling",
        "metric": f"{METRIC}, fraction of the sink's ceiling",
        "variant": QP,
        "field": "ratio",
        "op": ">=",
        "limit": 0.5,
    },
]


def seed(followers: int):
    """An author with `followers` verified followers; the author."""
    from blog.models import Follow

    users = get_user_model().objects
    now = timezone.now()
    author = users.create(username="fanout-author", email="author@bench.test", password="!")
    readers = users.bulk_create(
        users.model(username=f"reader{i}", email=f"reader{i}@bench.test", email_verified_at=now)
        for i in range(followers)
    )
    Follow.objects.bulk_create(Follow(follower=reader, author=author) for reader in readers)
    return author


def new_post(author, rep: int, variant: str):
    from blog.models import Post

    return Post.objects.create(author=author, title=f"Fan-out {rep} {variant}", body="Hello.")


def quick_publisher(author, *, sink: Sink, followers: int, rep: int) -> float:
    post = new_post(author, rep, "qp")
    workers = workload.app_workers(queues_=["emails"], env=sink.env, count=WORKER_PROCESSES)
    try:
        expected = sink.count() + followers
        started = time.monotonic()
        post.publish()
        ended = sink.wait_for(expected, timeout=max(120, followers / 20), watch=workers)
    finally:
        workload.stop_all(workers)
    if queues.procrastinate_failed():
        raise RuntimeError("some fan-out jobs failed: see the worker logs")
    return followers / (ended - started)


def celery_worker(sink: Sink) -> subprocess.Popen:
    from bench import celery_mail

    command = processes.python(
        "-m", "celery", "-A", "bench.celery_mail", "worker", "--pool", "prefork",
        "--concurrency", str(WORKER_PROCESSES), "--queues", celery_mail.QUEUE,
        "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
    )  # fmt: skip
    return processes.start(command, env=sink.env, name="celery-mail")


def celery(author, *, sink: Sink, followers: int, rep: int) -> float:
    from bench import celery_mail
    from blog.models import Follow, Post

    post = new_post(author, rep, "celery")
    worker = celery_worker(sink)
    try:
        expected = sink.count() + followers
        processes.wait_until(
            lambda: bool(celery_mail.app.control.ping(timeout=0.5)),
            timeout=60, what="the Celery worker to answer a ping", watch=[worker],
        )  # fmt: skip
        started = time.monotonic()
        # The seed: save the post as published, then one task per follower.
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.PUBLISHED, published_at=timezone.now()
        )
        follower_ids = Follow.objects.filter(author=author).values_list("follower_id", flat=True)
        for follower_id in follower_ids.iterator():
            celery_mail.notify_follower.delay(post.pk, follower_id)
        ended = sink.wait_for(expected, timeout=max(120, followers / 10), watch=[worker])
    finally:
        processes.stop(worker)
        queues.reset_celery()
    return followers / (ended - started)


def ceiling(author, *, sink: Sink, followers: int, rep: int) -> float:
    """A plain client sending the product's rendered new-post email over one connection."""
    from django.conf import settings

    from blog.models import Follow
    from blog.notifications import unsubscribe_url
    from mail.sending import Email, render

    post = new_post(author, rep, "ceiling")
    reader = Follow.objects.filter(author=author).first().follower
    context = {
        "post": post,
        "post_url": settings.SITE_URL + post.get_absolute_url(),
        "unsubscribe_url": unsubscribe_url(follower_id=reader.pk, author_id=author.pk),
    }
    message = render(Email("new_post", reader, "-", context))
    payload = message.message().as_bytes(linesep="\r\n")
    expected = sink.count() + followers
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        for _ in range(followers):
            client.sendmail(message.from_email, message.to, payload)
    return followers / (sink.wait_for(expected, timeout=60) - started)


def run(*, quick: bool) -> list[dict]:
    followers, rounds = (1_000, 1) if quick else (10_000, 3)
    workload.truncate("accounts_user", "procrastinate_jobs", "procrastinate_events")
    author = seed(followers)
    sink = Sink()
    variants = [(QP, quick_publisher), (CEILING, ceiling)]
    redis_up = queues.redis_available()
    if redis_up:
        variants.insert(1, (CELERY, celery))
    rows = []
    try:
        for rep in range(rounds):
            rates = {}
            for variant, measure in variants:
                rates[variant] = measure(author, sink=sink, followers=followers, rep=rep)
                rows.append(
                    harness.row(SCENARIO, METRIC, variant, rates[variant], "emails/s", rep=rep,
                                baseline="" if variant != QP else CELERY)
                )  # fmt: skip
            if not redis_up:
                rows.append(harness.row(SCENARIO, METRIC, CELERY, None, "emails/s", rep=rep,
                                        note="skipped: no Redis"))  # fmt: skip
            rows.append(
                harness.row(SCENARIO, f"{METRIC}, fraction of the sink's ceiling", QP,
                            rates[QP], "emails/s", rep=rep, baseline=CEILING)
            )  # fmt: skip
            rows.append(
                harness.row(SCENARIO, f"{METRIC}, fraction of the sink's ceiling", CEILING,
                            rates[CEILING], "emails/s", rep=rep)
            )  # fmt: skip
    finally:
        sink.stop()
        workload.truncate("accounts_user", "procrastinate_jobs", "procrastinate_events")
    return rows
