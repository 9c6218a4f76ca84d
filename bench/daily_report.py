"""The daily report for many authors: seconds from the tick until every email reached the sink."""

import time
from datetime import time as clock_time

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from bench import harness, processes, queues, workload
from bench.workload import Sink
from reports.daily import CHART_DAYS

ORDER = 70
INTERLEAVED = True
SCENARIO = "User-visible: daily report"
WORKER_PROCESSES = 2
POSTS_PER_AUTHOR = 10
FULL_SIZES = (1_000, 5_000, 10_000)
QUICK_SIZES = (200, 1_000)
REPORT_TIME = clock_time(0, 0)
DESCRIPTION = f"""
Authors with {POSTS_PER_AUTHOR} published posts each and views on the days before: the daily tick
(`reports.tick_daily_reports`, deferred as the periodic schedule would) claims one report row per
author and defers one `send_daily_report` job each; {WORKER_PROCESSES} worker processes on the
`reports` queue build each report (posts, views yesterday, a 14-day PNG chart) and send it to a
local SMTP sink. Measured from the tick's defer until the last email reaches the sink; "per 1,000
authors" shows whether the growth is linear. Sizes run one after another (each seeded once),
rounds of one size back to back.

Where the time goes (py-spy on both workers, 1,000 authors, while writing this scenario): one job
per author costs Procrastinate's fetch and finish transactions plus the ops middleware's two
(stored attempts), then about ten more round trips in the job: the sent check, the recipient,
the opt-out, the posts with yesterday's views, the 14-day series, the delivery row, a new SMTP
connection (connect, EHLO, MAIL, RCPT, DATA, QUIT) and the sent mark. Inside `send_daily_report`
(48 % of the samples): the SMTP exchange 12 %, queries 14 %, the PNG chart 7 % (Pillow's zlib;
`optimize=False` measured the same). No single step dominates, so the lever is the shape of the
work: several authors per job over one SMTP connection (as the follower fan-out does), which the
reports issue's one-job-per-author design rules out today.
"""
TARGETS = [
    {
        "label": "daily report for 10,000 authors ≤ 60 s",
        "metric": "10,000 authors",
        "variant": harness.DEFAULT_VARIANT,
        "field": "median",
        "op": "<=",
        "limit": 60.0,
    }
]

# Every post has views on about a fifth of the 14 days before today, yesterday included for some.
SEED_POSTS = """
INSERT INTO blog_post (author_id, title, slug, body, body_html, status, published_at, view_count,
                       created_at, updated_at, cover, cover_thumb, cover_card, cover_full,
                       cover_error)
SELECT author.id, 'Post ' || n, 'post-' || author.id || '-' || n, 'Body', '<p>Body</p>',
       'published', now(), 10 * n, now(), now(), '', '', '', '', ''
  FROM accounts_user AS author CROSS JOIN generate_series(1, %s) AS n
"""
SEED_VIEWS = """
INSERT INTO blog_postdailyviews (post_id, day, views)
SELECT post.id, current_date - d, 1 + (post.id + d) %% 7
  FROM blog_post AS post CROSS JOIN generate_series(1, %s) AS d
 WHERE (post.id + d) %% 5 = 0
"""


def seed(authors: int) -> None:
    users = get_user_model().objects
    now = timezone.now()
    users.bulk_create(
        (
            users.model(username=f"author{i}", email=f"author{i}@bench.test", email_verified_at=now)
            for i in range(authors)
        ),
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute(SEED_POSTS, [POSTS_PER_AUTHOR])
        cursor.execute(SEED_VIEWS, [CHART_DAYS])
        cursor.execute("ANALYZE")


def forget_sent_reports() -> None:
    """What makes the next round's tick send every report again."""
    workload.truncate(
        "reports_dailydispatch", "reports_dailyreport", "mail_delivery",
        "procrastinate_jobs", "procrastinate_events",
    )  # fmt: skip


def seconds_to_send(authors: int, *, sink: Sink) -> float:
    from reports.models import DailyDispatch
    from reports.schedule import report_day_due
    from reports.tasks import tick_daily_reports

    forget_sent_reports()
    # A starting worker defers the latest periodic tick itself; a dispatch row for the day makes
    # that tick a no-op, so the clock measures only the tick deferred below.
    today = report_day_due(now=timezone.now(), at=REPORT_TIME)
    DailyDispatch.objects.create(day=today)
    env = {**sink.env, "REPORTS_DAILY_TIME": REPORT_TIME.isoformat("minutes")}
    workers = workload.app_workers(queues_=["reports"], env=env, count=WORKER_PROCESSES)
    try:
        processes.wait_until(
            lambda: queues.procrastinate_pending("reports") == 0,
            timeout=60, what="the workers' own tick", watch=workers,
        )  # fmt: skip
        DailyDispatch.objects.filter(day=today).delete()
        expected = sink.count() + authors
        started = time.monotonic()
        tick_daily_reports.defer(timestamp=int(time.time()))
        ended = sink.wait_for(expected, timeout=max(120, authors / 20), watch=workers)
    finally:
        workload.stop_all(workers)
    if queues.procrastinate_failed():
        raise RuntimeError("some daily-report jobs failed: see the worker logs")
    return ended - started


def run(*, quick: bool) -> list[dict]:
    sizes, rounds = (QUICK_SIZES, 1) if quick else (FULL_SIZES, 3)
    sink = Sink()
    rows = []
    try:
        for authors in sizes:
            workload.truncate("accounts_user")
            seed(authors)
            for rep in range(rounds):
                seconds = seconds_to_send(authors, sink=sink)
                metric = f"{authors:,} authors"
                rows.append(harness.row(SCENARIO, metric, harness.DEFAULT_VARIANT, seconds, "s",
                                        rep=rep))  # fmt: skip
                rows.append(
                    harness.row(SCENARIO, f"{metric}, per 1,000 authors", harness.DEFAULT_VARIANT,
                                seconds * 1_000 / authors, "s", rep=rep)
                )  # fmt: skip
    finally:
        sink.stop()
        workload.truncate("accounts_user", "procrastinate_jobs", "procrastinate_events")
    return rows
