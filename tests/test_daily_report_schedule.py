"""The daily report time is wall-clock time in TIME_ZONE, also on the days the clocks change."""

from datetime import UTC, date, datetime, time

import pytest

from reports.schedule import report_day_due

PARIS = "Europe/Paris"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        # The day before the spring change: CET, UTC+1.
        ("2026-03-28T06:59", None),
        ("2026-03-28T07:00", date(2026, 3, 28)),
        # Spring change day (02:00 → 03:00): 08:00 is already CEST, UTC+2.
        ("2026-03-29T05:59", None),
        ("2026-03-29T06:00", date(2026, 3, 29)),
        # The day before the autumn change: still CEST.
        ("2026-10-24T05:59", None),
        ("2026-10-24T06:00", date(2026, 10, 24)),
        # Autumn change day (03:00 → 02:00): 08:00 is CET again, UTC+1.
        ("2026-10-25T06:59", None),
        ("2026-10-25T07:00", date(2026, 10, 25)),
    ],
)
def test_eight_o_clock_in_paris_is_due_at_the_right_utc_instant_around_both_changes(now, due):
    assert report_day_due(now=utc(now), at=time(8, 0), zone=PARIS) == due


def test_a_report_time_inside_the_spring_gap_goes_out_as_soon_as_the_clock_passes_it():
    at = time(2, 30)  # never shown by Paris clocks on 29 March 2026

    assert report_day_due(now=utc("2026-03-29T00:59"), at=at, zone=PARIS) is None
    assert report_day_due(now=utc("2026-03-29T01:00"), at=at, zone=PARIS) == date(2026, 3, 29)


def test_a_report_time_shown_twice_in_autumn_is_due_from_its_first_occurrence():
    at = time(2, 30)  # Paris clocks show it at 00:30 and again at 01:30 UTC on 25 October 2026

    assert report_day_due(now=utc("2026-10-25T00:29"), at=at, zone=PARIS) is None
    assert report_day_due(now=utc("2026-10-25T00:30"), at=at, zone=PARIS) == date(2026, 10, 25)
    assert report_day_due(now=utc("2026-10-25T01:30"), at=at, zone=PARIS) == date(2026, 10, 25)


def test_the_local_day_is_used_when_utc_is_still_on_the_day_before():
    assert report_day_due(now=utc("2026-06-01T22:30"), at=time(0, 15), zone=PARIS) == date(
        2026, 6, 2
    )


def test_the_setting_and_time_zone_are_the_defaults(settings):
    settings.TIME_ZONE = "America/New_York"
    settings.REPORTS_DAILY_TIME = "07:30"

    assert report_day_due(now=utc("2026-11-02T12:29")) is None
    assert report_day_due(now=utc("2026-11-02T12:30")) == date(2026, 11, 2)
