"""The whole journey in Chromium, beside a real worker process and a real SMTP server: an author
signs up, confirms, writes, schedules and publishes; a reader follows and is notified; the author
exports their stats; staff retry the one email the mail server refused."""

import csv
import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from procrastinate.contrib.django.models import ProcrastinateJob

from blog.models import Post
from tests.e2e.browser import log_in, shot
from tests.test_exports import publish_posts

PASSWORD = "a long and proper password"
EXPORTED_POSTS = 450  # three chunks of the export, so there is a step between 0 and 100 %
TOUR = {"01-signed-up", "04-preview", "06-index", "11-export-progress", "13-queue-dashboard"}


def step(page: Page, name: str) -> None:
    """A screenshot per step; SAVE_SCREENSHOTS=<folder> also saves the README tour's few there."""
    shot(page, f"journey-{name}")
    folder = os.environ.get("SAVE_SCREENSHOTS")
    if folder and name in TOUR:
        path = Path(settings.BASE_DIR, folder, f"{name}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=True)


def email_to(smtp_server, address: str, subject: str, timeout: float = 15):
    """The first message to `address` whose subject contains `subject`, once it arrived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp_server.sink.to(address):
            if subject in message["Subject"]:
                return message
        time.sleep(0.05)
    subjects = [(m["To"], m["Subject"]) for m in smtp_server.sink.messages]
    pytest.fail(f"no email to {address} about {subject!r}; received {subjects}")


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def job_of(task_name: str, **args) -> ProcrastinateJob:
    jobs = ProcrastinateJob.objects.filter(task_name=task_name, args__contains=args)
    deadline = time.monotonic() + 10
    while not jobs.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return jobs.latest("id")


def cover_image(tmp_path) -> Path:
    path = tmp_path / "harbour.png"
    image = Image.new("RGB", (1200, 675), (31, 97, 141))
    image.paste((240, 180, 60), (0, 450, 1200, 675))
    image.save(path)
    return path


def sign_up_and_confirm(page: Page, smtp_server, worker) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ada@example.com")
    step(page, "01-signed-up")

    email = email_to(smtp_server, "ada@example.com", "Confirm your email address")
    link = re.search(r"http://\S+/accounts/verify/\S+", text_of(email)).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    step(page, "02-confirm")

    # The mail server refuses the welcome email: a job that genuinely fails, retried by staff later.
    smtp_server.sink.refuse_with = "550 mailbox temporarily disabled"
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator("main")).to_contain_text("ada@example.com is verified")
    step(page, "03-confirmed")
    welcome = job_of("accounts.send_welcome_email")
    worker.wait_for_job(welcome.id, status="failed")
    smtp_server.sink.refuse_with = None


def write_post_with_cover(page: Page, worker, cover: Path) -> Post:
    page.get_by_role("link", name="Write").click()
    page.get_by_label("Title").fill("Harbour notes")
    page.get_by_label("Body").fill("Boats came in **early** today.\n\n- nets\n- ropes\n")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("early")
    expect(preview.locator("li")).to_have_count(2)
    step(page, "04-preview")

    page.get_by_label("Cover image").set_input_files(cover)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".badge.draft")).to_be_visible()
    post = Post.objects.get(title="Harbour notes")
    worker.wait_for_job(job_of("process_cover_image", post_id=post.pk).id)
    page.reload()
    thumbnail = page.locator("img.cover-thumb")
    expect(thumbnail).to_be_visible()
    # The image really loaded through MEDIA_URL, with DEBUG off as in production.
    assert thumbnail.evaluate("image => image.complete && image.naturalWidth") > 0
    step(page, "05-cover-thumbnail")
    return post


def schedule_and_see_it_published(page: Page, worker, post: Post) -> None:
    publish_at = timezone.localtime() + timedelta(seconds=3)
    page.get_by_label("Publish at").fill(publish_at.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".badge.scheduled")).to_be_visible()
    page.goto("/")
    expect(page.locator("main")).not_to_contain_text("Harbour notes")

    worker.wait_for_job(job_of("publish_post", post_id=post.pk).id, timeout=20)
    page.reload()
    expect(page.get_by_role("link", name="Harbour notes")).to_be_visible()
    expect(page.locator("main img.cover").first).to_be_visible()
    step(page, "06-index")


def follow_and_be_notified(author: Page, reader: Page, smtp_server, reader_email: str) -> None:
    log_in(reader, username="linus", password=PASSWORD)
    reader.goto("/authors/ada/")
    reader.get_by_role("button", name="Follow").click()
    expect(reader.get_by_role("button", name="Unfollow")).to_be_visible()
    step(reader, "07-following")

    author.get_by_role("link", name="Write").click()
    author.get_by_label("Title").fill("Second tide")
    author.get_by_label("Body").fill("The evening tide was *higher* than forecast.")
    author.get_by_role("button", name="Publish now").click()
    expect(author.locator(".badge.published")).to_be_visible()
    email = email_to(smtp_server, reader_email, "New from ada: Second tide")
    assert "/posts/second-tide/" in text_of(email)
    reader.goto(re.search(r"http://\S+/posts/second-tide/", text_of(email)).group(0))
    expect(reader.get_by_role("heading", name="Second tide")).to_be_visible()
    step(reader, "08-notified-reader-reads")


def views_increase(author: Page, reader: Page) -> None:
    author.get_by_role("link", name="Your posts").click()
    row = author.get_by_role("row").filter(has_text="Harbour notes")
    expect(row).to_contain_text("0")
    reader.goto("/posts/harbour-notes/")
    expect(reader.locator("main")).to_contain_text("1 view")
    author.reload()
    expect(row.get_by_role("cell", name="1", exact=True)).to_be_visible()
    step(author, "09-views")


def export_with_visible_progress(page: Page, test_database_url: str, tmp_path) -> None:
    """The export reads the views table once per chunk of posts; holding that table's lock between
    two chunks pauses the real worker midway, so the page must show a partial bar however fast
    the machine is."""
    page.get_by_role("link", name="Reports").click()
    step(page, "10-reports")
    with psycopg.connect(test_database_url) as lock:
        lock.execute("LOCK TABLE blog_postdailyviews IN ACCESS EXCLUSIVE MODE")
        page.get_by_role("button", name="Export my stats").click()
        progress = page.get_by_role("progressbar", name="Export progress")
        expect(progress).to_have_attribute("aria-valuenow", "0")
        wait_until_the_export_waits_for_its_first_chunk(lock)
        lock.commit()  # the first chunk reads; the next one queues behind the lock taken again
        lock.execute("LOCK TABLE blog_postdailyviews IN ACCESS EXCLUSIVE MODE")
        expect(progress).to_have_attribute("aria-valuenow", re.compile(r"^[1-9][0-9]?$"))
        expect(page.locator("#run-progress")).to_contain_text("Running")
        step(page, "11-export-progress")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible(timeout=20_000)
    expect(progress).to_have_attribute("aria-valuenow", "100")
    step(page, "12-export-done")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0][:4] == ["post_id", "title", "published_at", "total_views"]
    titles = {row[1]: row[3] for row in rows[1:]}
    assert len(titles) == EXPORTED_POSTS + 2
    assert titles["Harbour notes"] == "1"


def wait_until_the_export_waits_for_its_first_chunk(lock: psycopg.Connection) -> None:
    # The export reads views by post ids; a daily report reading the table waits too, by author.
    waiting = """
        SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid)
         WHERE relation = 'blog_postdailyviews'::regclass AND NOT granted AND query LIKE %s
    """
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if lock.execute(waiting, ['%"blog_postdailyviews"."post_id" IN (%']).fetchone()[0]:
            return
        time.sleep(0.02)
    pytest.fail("the export never reached the views of its first chunk")


def staff_retry_the_refused_email(staff: Page, worker, smtp_server) -> None:
    log_in(staff, username="editor", password=PASSWORD)
    staff.get_by_role("link", name="Queues").click()
    expect(staff.locator("main")).to_contain_text("emails")
    step(staff, "13-queue-dashboard")

    staff.goto("/ops/jobs/?status=failed")
    failed_row = staff.get_by_role("row").filter(has_text="accounts.send_welcome_email")
    expect(failed_row.locator(".badge.failed")).to_be_visible()
    expect(staff.locator("tbody tr")).to_have_count(1)
    step(staff, "14-failed-job")

    staff.get_by_role("link", name="Retry…").click()
    expect(staff.get_by_role("heading", name="Retry 1 job?")).to_be_visible()
    staff.get_by_role("button", name="Retry 1 job").click()
    welcome = job_of("accounts.send_welcome_email")
    worker.wait_for_job(welcome.id)
    email_to(smtp_server, "ada@example.com", "Welcome")
    staff.goto("/ops/jobs/?task=accounts.send_welcome_email")
    expect(staff.locator("tbody tr .badge.succeeded")).to_be_visible()
    step(staff, "15-retried")


def test_an_author_signs_up_publishes_is_followed_exports_and_staff_retry_a_refused_email(
    site, worker, smtp_server, new_page, django_user_model, test_database_url, tmp_path
):
    author = new_page()
    sign_up_and_confirm(author, smtp_server, worker)
    post = write_post_with_cover(author, worker, cover_image(tmp_path))
    schedule_and_see_it_published(author, worker, post)

    django_user_model.objects.create_user(
        "linus", "linus@example.com", PASSWORD, email_verified_at=timezone.now()
    )
    reader = new_page()
    follow_and_be_notified(author, reader, smtp_server, "linus@example.com")
    views_increase(author, reader)

    publish_posts(post.author, EXPORTED_POSTS)
    export_with_visible_progress(author, test_database_url, tmp_path)

    django_user_model.objects.create_user(
        "editor", "editor@example.com", PASSWORD, is_staff=True, is_superuser=True
    )
    staff_retry_the_refused_email(new_page(), worker, smtp_server)
