from datetime import UTC, date, datetime

from django.utils import timezone
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.exceptions import JobAborted
from procrastinate.job_context import AbortReason

from mail.sending import RETRY as EMAIL_RETRY
from ops.retry import DATABASE_BLIPS
from reports import daily, exports
from reports.schedule import TICK_CRON

QUEUE = "reports"


@app.periodic(cron=TICK_CRON)
@app.task(queue=QUEUE, retry=DATABASE_BLIPS)
def tick_daily_reports(*, timestamp: int) -> None:
    # The tick's own timestamp is the clock, so a tick deferred late still decides for its time.
    daily.dispatch_due_reports(now=datetime.fromtimestamp(timestamp, tz=UTC))


@app.task(queue=QUEUE, retry=EMAIL_RETRY)
def send_daily_report(*, author_id: int, day: str) -> None:
    daily.send_daily_report(author_id=author_id, day=date.fromisoformat(day))


@app.task(queue=QUEUE, retry=DATABASE_BLIPS, pass_context=True)
def export_stats(context: JobContext, *, run_id: int) -> None:
    try:
        exports.run_export(
            run_id=run_id,
            # A worker shutting down also asks to abort; an export finishes well within the
            # graceful timeout, so only the author's cancel stops it.
            should_abort=lambda: context.abort_reason() == AbortReason.USER_REQUEST,
            may_retry=context.job.attempts + 1 < DATABASE_BLIPS.attempts,
        )
    except exports.ExportCancelled as exc:
        raise JobAborted from exc


@app.periodic(cron="17 3 * * *")
@app.task(queue=QUEUE, retry=DATABASE_BLIPS)
def prune_expired_exports(*, timestamp: int) -> None:
    exports.prune_expired_exports(now=timezone.now())
