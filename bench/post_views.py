"""Post page requests per second with exact view counting, and a check that no count was lost."""

import time

from django.contrib.auth import get_user_model
from django.utils import timezone

from bench import harness, workload

ORDER = 80
INTERLEAVED = True
SCENARIO = "User-visible: post page views"
CLIENTS = 16
GUNICORN_WORKERS = 4
DESCRIPTION = f"""
{CLIENTS} clients (threads with `http.client`, a new connection per request) read one published
post as anonymous visitors for a fixed time against gunicorn ({GUNICORN_WORKERS} sync workers).
Every view runs the product's counting: an atomic `view_count + 1` and the per-day upsert, in one
transaction. "lost counts" is the number of 200 answers minus the growth of `view_count` (and of
the day's row in the daily views table, whichever is further off): anything but 0 is a lost
(or doubled) update.
"""
TARGETS = [
    {
        "label": "post views: no lost counts under concurrency",
        "metric": "lost counts",
        "variant": harness.DEFAULT_VARIANT,
        "field": "median",
        "op": "<=",
        "limit": 0.0,
    }
]


def published_post():
    from blog.models import Post

    author = get_user_model().objects.create(
        username="views-author", email="views@bench.test", email_verified_at=timezone.now()
    )
    post = Post.objects.create(author=author, title="Counted", body="Read me.")
    post.publish()
    return post


def counts(post) -> tuple[int, int]:
    """(view_count, today's row in the daily views table)."""
    from blog.models import PostDailyViews

    post.refresh_from_db(fields=["view_count"])
    today = PostDailyViews.objects.filter(post=post, day=timezone.localdate()).first()
    return post.view_count, today.views if today else 0


def hammer(port: int, path: str, *, seconds: float) -> list[int]:
    """Every client reads `path` until the time is up; the statuses of all answers."""

    def client(_: int) -> list[int]:
        deadline = time.monotonic() + seconds
        statuses = []
        while time.monotonic() < deadline:
            statuses.append(workload.request(port, "GET", path).status)
        return statuses

    return workload.in_threads(CLIENTS, client)


def run(*, quick: bool) -> list[dict]:
    seconds, rounds = (3, 1) if quick else (10, 3)
    workload.truncate("accounts_user")
    post = published_post()
    server, port = workload.gunicorn(env={}, workers=GUNICORN_WORKERS)
    rows = []
    try:
        hammer(port, post.get_absolute_url(), seconds=1)  # warm-up: each worker loads the app
        for rep in range(rounds):
            before = counts(post)
            started = time.monotonic()
            statuses = hammer(port, post.get_absolute_url(), seconds=seconds)
            elapsed = time.monotonic() - started
            after = counts(post)
            ok = statuses.count(200)
            if ok != len(statuses):
                raise RuntimeError(f"{len(statuses) - ok} post page requests did not answer 200")
            lost = max(ok - (after[0] - before[0]), ok - (after[1] - before[1]), key=abs)
            rows += [
                harness.row(SCENARIO, "requests", harness.DEFAULT_VARIANT, ok / elapsed,
                            "requests/s", rep=rep),
                harness.row(SCENARIO, "lost counts", harness.DEFAULT_VARIANT, lost, "views",
                            rep=rep),
            ]  # fmt: skip
    finally:
        workload.stop_all([server])
        workload.truncate("accounts_user")
    return rows
