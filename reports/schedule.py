"""When the daily report is due, in the site's zone, whatever UTC says."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

# Procrastinate's cron runs in UTC, so the tick is frequent and the zone logic lives here.
TICK_CRON = "*/5 * * * *"


def report_time() -> time:
    return time.fromisoformat(settings.REPORTS_DAILY_TIME)


def report_day_due(
    *, now: datetime, at: time | None = None, zone: str | None = None
) -> date | None:
    """The local day whose report time has passed at `now`, or None before that time.

    Comparing wall-clock times in the zone is what keeps 08:00 at 08:00 on the days the clocks
    change; whether that day's reports already went out is the DailyDispatch row's business.
    """
    local = now.astimezone(ZoneInfo(zone or settings.TIME_ZONE))
    return local.date() if local.time() >= (at or report_time()) else None
