"""The daily report: once per author per day, whatever the number of workers and ticks."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from blog.models import Post, PostDailyViews
from reports.models import DailyDispatch, DailyReport, DailyReportOptOut
from reports.tasks import send_daily_report, tick_daily_reports
from tests.worker_processes import queue_is_idle, wait_until, worker_processes


def make_author(django_user_model, name: str, *, published: bool = True, verified: bool = True):
    author = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-long-enough")
    author.email_verified_at = timezone.now() if verified else None
    author.save(update_fields=["email_verified_at"])
    status = Post.Status.PUBLISHED if published else Post.Status.DRAFT
    Post.objects.create(
        author=author,
        title=f"{name}'s first post",
        slug=f"{name}-first",
        status=status,
        published_at=timezone.now() if published else None,
        view_count=10,
    )
    return author


@pytest.fixture
def cast(django_user_model):
    eligible = [make_author(django_user_model, f"author{i}") for i in range(6)]
    opted_out = make_author(django_user_model, "quiet")
    DailyReportOptOut.set_for(opted_out, enabled=False)
    make_author(django_user_model, "drafter", published=False)
    make_author(django_user_model, "unverified", verified=False)
    return eligible


@pytest.fixture(autouse=True)
def only_the_ticks_the_test_defers(monkeypatch):
    # A worker defers the latest real tick when it starts; these tests choose their own clock.
    monkeypatch.setattr(app.periodic_registry, "periodic_tasks", {})


def recipients(smtp_server) -> list[str]:
    return sorted(message["To"] for message in smtp_server.sink.messages)


def test_three_worker_processes_send_one_report_per_eligible_author_and_a_second_tick_sends_none(
    transactional_db, cast, smtp_server, test_database_url, tmp_path
):
    expected = sorted(author.email for author in cast)
    tick = int(timezone.now().timestamp())
    with worker_processes(
        test_database_url,
        count=3,
        queues="reports",
        TIME_ZONE="UTC",
        REPORTS_DAILY_TIME="00:00",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        MEDIA_ROOT=str(tmp_path),
    ):
        # The same tick reaching every worker at once, as after a restart.
        tick_daily_reports.batch_defer(*[{"timestamp": tick}] * 3)
        wait_until(lambda: len(smtp_server.sink.messages) >= len(expected), what="the reports")
        wait_until(lambda: queue_is_idle("reports"), what="the reports queue to drain")
        assert recipients(smtp_server) == expected

        tick_daily_reports.defer(timestamp=tick + 300)
        wait_until(lambda: queue_is_idle("reports"), what="the second tick")

    assert recipients(smtp_server) == expected
    assert DailyDispatch.objects.count() == 1
    assert DailyReport.objects.filter(sent_at__isnull=False).count() == len(expected)


def test_workers_down_at_report_time_send_the_reports_once_when_one_comes_back_that_day(
    cast, smtp_server, run_worker, settings
):
    settings.TIME_ZONE = "Europe/Paris"
    settings.REPORTS_DAILY_TIME = "08:00"
    report_time = datetime(2026, 3, 29, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))

    def tick_at(moment: datetime) -> None:
        tick_daily_reports.defer(timestamp=int(moment.timestamp()))
        run_worker(queues=["reports"])

    tick_at(report_time - timedelta(minutes=5))
    assert smtp_server.sink.messages == []

    # No tick ran between 07:55 and 10:00: the first one after the gap catches up.
    tick_at(report_time + timedelta(hours=2))
    assert recipients(smtp_server) == sorted(author.email for author in cast)

    tick_at(report_time + timedelta(hours=2, minutes=5))
    assert len(smtp_server.sink.messages) == len(cast)
    assert DailyDispatch.objects.get().day == date(2026, 3, 29)


def test_the_email_lists_posts_with_yesterdays_views_and_shows_an_inline_chart(
    django_user_model, smtp_server, run_worker, settings
):
    settings.TIME_ZONE = "UTC"
    author = make_author(django_user_model, "writer")
    second = Post.objects.create(
        author=author,
        title="Second thoughts",
        slug="second",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now(),
        view_count=42,
    )
    day = date(2026, 5, 10)
    PostDailyViews.objects.create(post=second, day=day - timedelta(days=1), views=7)
    PostDailyViews.objects.create(post=second, day=day - timedelta(days=3), views=5)
    PostDailyViews.objects.create(post=second, day=day, views=99)  # today: not in the report

    send_daily_report.defer(author_id=author.pk, day=day.isoformat())
    run_worker(queues=["reports"])

    (message,) = smtp_server.sink.messages
    assert message["Subject"] == "Your posts on Saturday 9 May: 7 views"
    text = message.get_body(("plain",)).get_content()
    assert "- Second thoughts: 7 yesterday, 42 in total" in text
    assert "- writer's first post: 0 yesterday, 10 in total" in text
    html = message.get_body(("html",)).get_content()
    assert '<img src="cid:chart"' in html
    (chart,) = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert chart["Content-ID"] == "<chart>"
    assert chart.get_content().startswith(b"\x89PNG")


def test_a_retried_report_job_does_not_send_a_second_email(
    django_user_model, smtp_server, run_worker
):
    author = make_author(django_user_model, "writer")
    day = timezone.localdate()
    DailyReport.objects.create(author=author, day=day)

    send_daily_report.batch_defer(*[{"author_id": author.pk, "day": day.isoformat()}] * 2)
    run_worker(queues=["reports"], concurrency=2)

    assert len(smtp_server.sink.messages) == 1
    assert DailyReport.objects.get().sent_at is not None


def test_an_author_turns_the_daily_report_off_and_on_from_the_reports_page(
    client, django_user_model
):
    author = make_author(django_user_model, "writer")
    client.force_login(author)
    url = reverse("reports:daily_report_preference")

    page = client.get(reverse("reports:index"))
    assert "Stop daily reports" in page.text

    response = client.post(url, {"enabled": "off", "next": "/reports/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/reports/"
    assert "Daily reports turned off." in response.text
    assert "Send me daily reports" in response.text
    assert DailyReportOptOut.objects.filter(author=author).exists()

    client.post(url, {"enabled": "on"})
    assert not DailyReportOptOut.objects.filter(author=author).exists()


def test_the_preference_ignores_bad_input_and_foreign_redirects(client, django_user_model):
    author = make_author(django_user_model, "writer")
    client.force_login(author)
    url = reverse("reports:daily_report_preference")

    response = client.post(url, {"enabled": "maybe"}, follow=True)
    assert "Choose whether to receive the daily report." in response.text
    assert not DailyReportOptOut.objects.exists()

    response = client.post(url, {"enabled": "off", "next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:index")


def test_an_author_opts_out_and_back_in_from_the_account_page(client, django_user_model):
    author = make_author(django_user_model, "writer")
    client.force_login(author)
    account = reverse("accounts:account")

    page = client.get(account)
    assert "Stop daily reports" in page.text
    response = client.post(
        reverse("reports:daily_report_preference"), {"enabled": "off", "next": account}
    )
    assert response["Location"] == account
    assert "Send me daily reports" in client.get(account).text
    assert DailyReportOptOut.objects.filter(author=author).exists()

    client.post(reverse("reports:daily_report_preference"), {"enabled": "on", "next": account})
    assert "Stop daily reports" in client.get(account).text


def test_the_preference_needs_a_login(client):
    response = client.post(reverse("reports:daily_report_preference"), {"enabled": "off"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_dispatch_skips_the_day_before_the_report_time(db, cast, settings):
    from reports.daily import dispatch_due_reports

    settings.TIME_ZONE = "UTC"
    settings.REPORTS_DAILY_TIME = "08:00"

    assert dispatch_due_reports(now=datetime(2026, 5, 10, 7, 59, tzinfo=UTC)) == 0
    assert not DailyDispatch.objects.exists()


def test_an_author_who_opts_out_after_the_dispatch_gets_no_report_that_day(
    django_user_model, smtp_server, run_worker
):
    author = make_author(django_user_model, "writer")
    day = timezone.localdate()
    DailyReport.objects.create(author=author, day=day)
    send_daily_report.defer(author_id=author.pk, day=day.isoformat())
    DailyReportOptOut.set_for(author, enabled=False)

    run_worker(queues=["reports"])

    assert smtp_server.sink.messages == []
