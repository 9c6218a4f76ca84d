"""A first walk through what exists: the home page, a staff login, the admin, a styled 404, and a
worker running beside the site. The full journey (signup to bulk retry) builds on these fixtures."""

import re

import pytest
from playwright.sync_api import expect
from procrastinate.contrib.django import app as procrastinate_app

from tests.e2e.browser import log_in, shot

PASSWORD = "a long and proper password"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.com", PASSWORD, is_staff=True, is_superuser=True
    )


def test_a_staff_member_logs_in_from_the_home_page_and_opens_the_admin(site, staff, page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    expect(page.locator(".empty")).to_be_visible()
    shot(page, "01-home")

    log_in(page, username="editor", password="not the password")
    expect(page.locator(".errorlist")).to_contain_text("enter a correct username and password")
    shot(page, "02-login-error")

    log_in(page, username="editor", password=PASSWORD)
    expect(page).to_have_url(site.url_for("blog:post_list"))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("editor")
    shot(page, "03-logged-in")

    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    expect(page.get_by_role("link", name="Procrastinate jobs")).to_be_visible()
    shot(page, "04-admin")


def test_an_unknown_address_shows_the_styled_not_found_page(site, page):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    expect(page).to_have_title(re.compile("Not found"))
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Quick Publisher")).to_be_visible()
    # The stylesheet loaded: the page uses the site's own background, not the browser's white.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    shot(page, "05-not-found")


def test_a_worker_beside_the_site_runs_a_job_as_soon_as_it_is_queued(site, worker, page):
    response = page.goto(site.url_for("ops:health"))
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": "ok"}

    # Procrastinate's own housekeeping task: a real job, through the real queue, to the process.
    remove_old_jobs = procrastinate_app.tasks["builtin:procrastinate.builtin_tasks.remove_old_jobs"]
    job_id = remove_old_jobs.defer(max_hours=24)

    assert worker.wait_for_job(job_id).status == "succeeded"
    assert worker.is_alive()
