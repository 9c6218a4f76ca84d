"""On-demand exports: a run row with live progress, cancel, retry, and owner-only access."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from blog.models import Post
from reports import exports
from reports.models import ReportRun
from reports.tasks import prune_expired_exports
from tests.worker_processes import wait_until, worker_processes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("writer", "writer@example.com", "pw-long-enough")


def publish_posts(author, count: int, *, days: int = 0) -> None:
    """`count` published posts, each viewed `post_id % 7 + 1` times a day over the last `days`."""
    Post.objects.bulk_create(
        Post(
            author=author,
            title=f"Post {i}",
            slug=f"{author.username}-{i}",
            status=Post.Status.PUBLISHED,
            published_at=timezone.now(),
            view_count=i,
        )
        for i in range(count)
    )
    if days:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO blog_postdailyviews (post_id, day, views)"
                " SELECT p.id, %s::date - offs, p.id %% 7 + 1"
                " FROM blog_post p, generate_series(0, %s) AS offs WHERE p.author_id = %s",
                [timezone.localdate(), days - 1, author.pk],
            )


def start_export(client, author) -> ReportRun:
    client.force_login(author)
    response = client.post(reverse("reports:export_start"))
    run = ReportRun.objects.get(author=author, status__in=ReportRun.ACTIVE)
    assert response["Location"] == run.get_absolute_url()
    return run


def job_status(run: ReportRun) -> str:
    return ProcrastinateJob.objects.get(id=run.job_id).status


@pytest.fixture
def progress_log(transactional_db):
    """Every progress value the export commits, with the transaction that wrote it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_progress_log (progress int, status text, txid bigint);"
            " CREATE FUNCTION test_log_progress() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN INSERT INTO test_progress_log VALUES (NEW.progress, NEW.status,"
            " txid_current()); RETURN NEW; END $$;"
            " CREATE TRIGGER test_log_progress AFTER UPDATE ON reports_reportrun"
            " FOR EACH ROW EXECUTE FUNCTION test_log_progress();"
        )
    yield lambda: _read_log()
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER test_log_progress ON reports_reportrun;"
            " DROP FUNCTION test_log_progress(); DROP TABLE test_progress_log;"
        )


def _read_log() -> list[tuple[int, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT progress, status, txid FROM test_progress_log")
        return cursor.fetchall()


def test_a_large_export_commits_intermediate_progress_then_offers_the_csv(
    client, author, run_worker, progress_log
):
    publish_posts(author, 2000, days=90)
    run = start_export(client, author)
    assert 'hx-trigger="every 1s"' in client.get(run.get_absolute_url()).text

    run_worker(queues=["reports"])

    log = progress_log()
    final_txid = next(txid for _, status, txid in log if status == "succeeded")
    # Each step committed on its own, so the polling page saw it before the end.
    assert {p for p, status, txid in log if 0 < p < 100 and txid != final_txid}
    run.refresh_from_db()
    assert (run.status, run.progress) == ("succeeded", 100)
    page = client.get(reverse("reports:run_progress", args=[run.pk])).text
    assert "hx-trigger" not in page
    assert reverse("reports:run_download", args=[run.pk]) in page

    download = client.get(reverse("reports:run_download", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 2001
    assert len(rows[0]) == 4 + 90
    assert rows[0][-1] == timezone.localdate().isoformat()
    post = Post.objects.get(slug="writer-5")
    (row,) = [r for r in rows if r[0] == str(post.pk)]
    assert row[1:2] + row[3:] == ["Post 5", "5", *[str(post.pk % 7 + 1)] * 90]


def test_asking_again_while_an_export_is_queued_leads_to_the_same_run(
    client, author, transactional_db
):
    first = start_export(client, author)
    second = start_export(client, author)

    assert first == second
    assert ProcrastinateJob.objects.filter(task_name="reports.tasks.export_stats").count() == 1


def test_the_database_refuses_a_second_active_run_for_one_author(author, db):
    ReportRun.objects.create(author=author)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(author=author, status=ReportRun.Status.RUNNING)


def test_cancelling_a_queued_export_means_no_worker_ever_runs_it(client, author, run_worker):
    publish_posts(author, 3)
    run = start_export(client, author)

    response = client.post(reverse("reports:run_cancel", args=[run.pk]), follow=True)
    run_worker(queues=["reports"])

    assert "The export was cancelled." in response.text
    run.refresh_from_db()
    assert (run.status, run.result.name) == ("cancelled", "")
    assert job_status(run) == "cancelled"


def test_cancelling_a_running_export_stops_it_between_chunks(
    client, author, transactional_db, test_database_url, media_root
):
    publish_posts(author, 3, days=5)
    run = start_export(client, author)

    with worker_processes(test_database_url, count=1, queues="reports", MEDIA_ROOT=str(media_root)):
        with transaction.atomic():
            # Holds the export inside its first chunk until the cancel is committed.
            connection.cursor().execute("LOCK TABLE blog_postdailyviews IN ACCESS EXCLUSIVE MODE")
            wait_until(lambda: ReportRun.objects.get(pk=run.pk).status == "running")
            client.post(reverse("reports:run_cancel", args=[run.pk]))
        wait_until(lambda: job_status(run) not in ("todo", "doing"), what="the job to stop")

    run.refresh_from_db()
    assert (run.status, run.result.name) == ("cancelled", "")
    assert job_status(run) == "aborted"
    assert "Export again" in client.get(run.get_absolute_url()).text


def test_a_failed_export_shows_its_error_and_a_retry_succeeds(
    client, author, run_worker, monkeypatch
):
    publish_posts(author, 2, days=3)
    run = start_export(client, author)

    def broken_build(run, *, should_abort):
        raise OSError("no space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(exports, "build_csv", broken_build)
        run_worker(queues=["reports"], allow_failed=True)

    page = client.get(run.get_absolute_url()).text
    assert "The export failed: no space left on device" in page
    assert "Retry export" in page
    response = client.post(reverse("reports:run_retry", args=[run.pk]))
    retried = ReportRun.objects.get(status="queued")
    assert response["Location"] == retried.get_absolute_url()
    run_worker(queues=["reports"])
    retried.refresh_from_db()
    assert retried.status == "succeeded"
    assert ReportRun.objects.get(pk=run.pk).status == "failed"


@pytest.fixture
def finished_run(author):
    run = ReportRun.objects.create(
        author=author, status=ReportRun.Status.SUCCEEDED, progress=100, finished_at=timezone.now()
    )
    run.result.save("stats.csv", ContentFile(b"post_id,title\n1,Hello\n"))
    return run


@pytest.mark.parametrize(
    "name", ["reports:run_detail", "reports:run_progress", "reports:run_download"]
)
def test_only_the_owner_and_staff_see_a_run(client, django_user_model, finished_run, name):
    url = reverse(name, args=[finished_run.pk])
    other = django_user_model.objects.create_user("other", "other@example.com", "pw-long-enough")
    staff = django_user_model.objects.create_user("staff", "s@example.com", "pw", is_staff=True)

    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(finished_run.author)
    assert client.get(url).status_code == 200
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_another_user_cannot_cancel_or_retry_a_run(client, django_user_model, author, db):
    run = ReportRun.objects.create(author=author)
    other = django_user_model.objects.create_user("other", "other@example.com", "pw-long-enough")
    client.force_login(other)

    assert client.post(reverse("reports:run_cancel", args=[run.pk])).status_code == 404
    assert client.post(reverse("reports:run_retry", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == "queued"


def test_the_reports_page_lists_the_authors_runs_and_the_daily_report_toggle(client, finished_run):
    client.force_login(finished_run.author)

    page = client.get(reverse("reports:index")).text

    assert finished_run.get_absolute_url() in page
    assert "Export my stats" in page
    assert reverse("reports:daily_report_preference") in page


def test_export_files_are_removed_after_the_retention_period(
    client, finished_run, run_worker, settings
):
    settings.REPORTS_RETENTION_DAYS = 7
    name = finished_run.result.name
    ReportRun.objects.filter(pk=finished_run.pk).update(
        finished_at=timezone.now() - timedelta(days=8)
    )
    recent = ReportRun.objects.create(
        author=finished_run.author, status="succeeded", finished_at=timezone.now()
    )
    recent.result.save("recent.csv", ContentFile(b"post_id\n"))

    prune_expired_exports.defer(timestamp=int(timezone.now().timestamp()))
    run_worker(queues=["reports"])

    assert not default_storage.exists(name)
    assert default_storage.exists(recent.result.name)
    client.force_login(finished_run.author)
    page = client.get(finished_run.get_absolute_url()).text
    assert "The file was removed after its retention period." in page
    download = client.get(reverse("reports:run_download", args=[finished_run.pk]))
    assert download.status_code == 404
