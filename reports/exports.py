"""The "Export my stats" CSV: posts × days with views, built in chunks that report progress."""

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from blog.models import Post, PostDailyViews
from ops.retry import TRANSIENT_DATABASE_ERRORS
from reports.models import ReportRun

EXPORT_DAYS = 90
CHUNK_POSTS = 200


class ExportCancelled(Exception):
    """The author cancelled the run while it was being built."""


def _cell(text: str) -> str:
    # A title starting with = or + would run as a formula when the CSV is opened in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def export_days(today: date) -> list[date]:
    return [today - timedelta(days=offset) for offset in range(EXPORT_DAYS - 1, -1, -1)]


def build_csv(run: ReportRun, *, should_abort: Callable[[], bool]) -> bytes:
    days = export_days(timezone.localdate())
    posts = list(
        Post.objects.published()
        .filter(author_id=run.author_id)
        .order_by("published_at", "pk")
        .values_list("pk", "title", "published_at", "view_count")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["post_id", "title", "published_at", "total_views", *map(str, days)])
    for start in range(0, len(posts), CHUNK_POSTS):
        chunk = posts[start : start + CHUNK_POSTS]
        views: dict[int, dict[date, int]] = defaultdict(dict)
        for post_id, day, count in PostDailyViews.objects.filter(
            post_id__in=[row[0] for row in chunk], day__range=(days[0], days[-1])
        ).values_list("post_id", "day", "views"):
            views[post_id][day] = count
        for post_id, title, published_at, total in chunk:
            published = published_at.isoformat() if published_at else ""
            per_day = [views[post_id].get(day, 0) for day in days]
            writer.writerow([post_id, _cell(title), published, total, *per_day])
        if should_abort() or not run.report_progress(start + len(chunk), len(posts)):
            raise ExportCancelled
    return out.getvalue().encode()


def run_export(
    *, run_id: int, should_abort: Callable[[], bool] = lambda: False, may_retry: bool = False
) -> ReportRun | None:
    """Build and store the run's CSV; None when the run was cancelled before it started.

    Raises ExportCancelled when the author cancels it midway. Any other error is stored on the
    run for the author to see, unless it is a database blip the job will retry.
    """
    run = ReportRun.objects.claim(run_id)
    if run is None:
        return None
    try:
        content = build_csv(run, should_abort=should_abort)
    except ExportCancelled:
        run.cancel()
        raise
    except Exception as exc:
        if not (may_retry and isinstance(exc, TRANSIENT_DATABASE_ERRORS)):
            run.fail(error=f"The export failed: {exc}" if str(exc) else "The export failed.")
        raise
    run.succeed(filename=f"stats-{timezone.localdate().isoformat()}.csv", content=content)
    return run


def prune_expired_exports(*, now: datetime) -> int:
    """Delete export files older than REPORTS_RETENTION_DAYS; the number removed."""
    cutoff = now - timedelta(days=settings.REPORTS_RETENTION_DAYS)
    removed = 0
    for run in ReportRun.objects.filter(finished_at__lt=cutoff).exclude(result=""):
        run.result.delete(save=False)
        ReportRun.objects.filter(pk=run.pk).update(result="")
        removed += 1
    return removed
