"""The daily report: who gets it, the once-a-day fan-out, and building and sending one email."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from blog.models import Post, PostDailyViews
from mail.sending import Email, load_recipient, send
from ops.deferring import in_transaction
from reports.charts import views_chart_png
from reports.models import DailyDispatch, DailyReport, DailyReportOptOut
from reports.schedule import report_day_due

CHART_DAYS = 14


def eligible_authors() -> QuerySet:
    """Active authors with a verified address, published posts, and no opt-out."""
    return (
        get_user_model()
        .objects.filter(is_active=True, email_verified_at__isnull=False)
        .exclude(email="")
        .filter(Exists(Post.objects.published().filter(author=OuterRef("pk"))))
        .exclude(Exists(DailyReportOptOut.objects.filter(author=OuterRef("pk"))))
    )


def claim_daily_reports(*, day: date) -> list[int]:
    """Insert the (author, day) rows for every eligible author; the ids of the rows inserted now."""
    eligible, params = eligible_authors().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DailyReport._meta.db_table} (author_id, day)"  # noqa: S608 (no user input)
            f" SELECT eligible.*, %s::date FROM ({eligible}) AS eligible"
            " ON CONFLICT (author_id, day) DO NOTHING RETURNING author_id",
            [day, *params],
        )
        return [row[0] for row in cursor.fetchall()]


def dispatch_due_reports(*, now: datetime) -> int:
    """Fan out today's reports once the report time has passed; the number of reports deferred.

    Every tick of the day after the report time lands here, from any number of workers: only
    the one that inserts the day's DailyDispatch row defers jobs, so a worker that comes back
    late in the day catches up and the ticks after it do nothing.
    """
    day = report_day_due(now=now)
    if day is None:
        return 0
    with transaction.atomic():
        dispatch, created = DailyDispatch.objects.get_or_create(day=day)
        if not created:
            return 0
        author_ids = claim_daily_reports(day=day)
        dispatch.authors = len(author_ids)
        dispatch.save(update_fields=["authors"])
        # In this transaction: the day's dispatch, its claim rows and its jobs commit together.
        defer_daily_reports(author_ids=author_ids, day=day)
    return len(author_ids)


def defer_daily_reports(*, author_ids: list[int], day: date, chunk: int = 5000) -> None:
    # Imported here: the task module imports this one.
    from reports.tasks import send_daily_report

    for start in range(0, len(author_ids), chunk):
        in_transaction(send_daily_report).batch_defer(
            *({"author_id": pk, "day": day.isoformat()} for pk in author_ids[start : start + chunk])
        )


@dataclass(frozen=True)
class PostLine:
    title: str
    total_views: int
    views_yesterday: int


@dataclass(frozen=True)
class DailyReportData:
    day: date
    posts: list[PostLine]
    series: list[tuple[date, int]]

    @property
    def yesterday(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def total_views(self) -> int:
        return sum(line.total_views for line in self.posts)

    @property
    def total_yesterday(self) -> int:
        return sum(line.views_yesterday for line in self.posts)


def build_daily_report(*, author_id: int, day: date) -> DailyReportData:
    """The author's published posts with views, and views per day over the 14 days before `day`."""
    yesterday = day - timedelta(days=1)
    first = day - timedelta(days=CHART_DAYS)
    posts = (
        Post.objects.published()
        .filter(author_id=author_id)
        .annotate(
            yesterday=Coalesce(
                Sum("daily_views__views", filter=Q(daily_views__day=yesterday)), Value(0)
            )
        )
        .order_by("-view_count", "title")
        .values_list("title", "view_count", "yesterday")
    )
    per_day = dict(
        PostDailyViews.objects.filter(post__author_id=author_id, day__range=(first, yesterday))
        .values("day")
        .annotate(total=Sum("views"))
        .values_list("day", "total")
    )
    series = [
        (first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0))
        for i in range(CHART_DAYS)
    ]
    return DailyReportData(day=day, posts=[PostLine(*row) for row in posts], series=series)


def send_daily_report(*, author_id: int, day: date) -> bool:
    """Send the author's report for `day` unless it went out already; True when sent now."""
    if DailyReport.objects.filter(author_id=author_id, day=day, sent_at__isnull=False).exists():
        return False
    author = load_recipient(author_id)
    if not DailyReportOptOut.receives_reports(author):
        return False  # opted out between the dispatch and this job
    report = build_daily_report(author_id=author_id, day=day)
    sent = send(
        Email(
            purpose="daily_report",
            to_user=author,
            key=f"daily_report:{author_id}:{day.isoformat()}",
            context={"report": report},
            inline_images={"chart": views_chart_png(report.series)},
        )
    )
    DailyReport.objects.filter(author_id=author_id, day=day).update(sent_at=timezone.now())
    return sent
