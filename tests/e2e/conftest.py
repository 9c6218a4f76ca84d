"""The browser journey's world: the site on a loopback port, a real worker process and a real SMTP
server beside it, and Chromium pages pointed at the site.

    def test_something(site, worker, smtp_server, page):
        page.goto("/")                               # relative to the live site
        job_id = ...                                 # a job the page deferred
        worker.wait_for_job(job_id)                  # the worker process ran it
        smtp_server.sink.wait_for(1)                 # its email arrived
        shot(page, "step-name")                      # artifacts/e2e/step-name.png
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, sync_playwright
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason, shot

WORKER_START_SECONDS = 30
TERMINAL_STATUSES = {"succeeded", "failed", "cancelled", "aborted"}


@pytest.fixture(scope="session", autouse=True)
def _chromium_is_installed() -> None:
    reason = chromium_missing_reason()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI must run the browser tests.")
    if reason:
        pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@dataclass(frozen=True)
class Site:
    url: str

    def url_for(self, name: str, *args, **kwargs) -> str:
        return self.url + reverse(name, args=args, kwargs=kwargs)


@pytest.fixture
def site(live_server, settings, tmp_path) -> Site:
    """The site served by pytest-django's live server (a thread, on a free loopback port).

    Emails link back to it, and uploads land in a fresh folder the worker shares.
    """
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    return Site(live_server.url)


@dataclass
class Worker:
    """`manage.py procrastinate worker` in its own process, as in production."""

    process: subprocess.Popen
    log_path: Path
    allow_failed_jobs: bool = False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def wait_for_job(self, job_id: int, *, status: str = "succeeded", timeout: float = 15):
        """Wait until the job ends, and fail with the worker's log unless it ended in `status`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = ProcrastinateJob.objects.get(id=job_id)
            if job.status in TERMINAL_STATUSES | {status}:
                break
            self._fail_if_exited()
            time.sleep(0.05)
        if job.status != status:
            what = f"job #{job_id} {job.task_name} is {job.status}, not {status}"
            pytest.fail(f"{what}:\n{self.log()}")
        return job

    def _fail_if_exited(self) -> None:
        if not self.is_alive():
            pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log()}")

    def _wait_until_registered(self) -> None:
        deadline = time.monotonic() + WORKER_START_SECONDS
        while not ProcrastinateWorker.objects.exists():
            self._fail_if_exited()
            if time.monotonic() > deadline:
                pytest.fail(f"the worker did not start in {WORKER_START_SECONDS} s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        # SIGTERM lets running jobs finish, as systemd or compose would stop it.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def worker(site, smtp_server, test_database_url, settings, tmp_path) -> Iterator[Worker]:
    """A real worker process over the test database for the whole test, stopped by PID after it.

    It sends email to `smtp_server` and links to `site`. A job that ends `failed` fails the test
    unless the test sets `worker.allow_failed_jobs = True`.
    """
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "WORKER_", "DJANGO_"))
    }
    environ.update(
        DATABASE_URL=test_database_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        SITE_URL=site.url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PROCRASTINATE_LOG_LEVEL="INFO",
    )
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker"],
            cwd=django_settings.BASE_DIR,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = Worker(process, log_path)
    try:
        running._wait_until_registered()
        yield running
    finally:
        running.stop()
    failed = ProcrastinateJob.objects.filter(status="failed")
    if failed and not running.allow_failed_jobs:
        names = ", ".join(f"#{job.id} {job.task_name}" for job in failed)
        pytest.fail(f"jobs ended failed: {names}\n{running.log()}")


@pytest.fixture
def browser(site, monkeypatch) -> Iterator[Browser]:
    """Chromium for one test, with a fresh temporary profile.

    Playwright's sync API runs an asyncio loop in this thread while it is started, which Django
    takes for async code and refuses ORM calls from. The test's own ORM calls are plain sync code,
    so the guard is lifted for this test only, and Playwright lives only as long as the test.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, site, request) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context (its own cookies: one per person in a journey).

    Options go to `browser.new_context` (viewport, color_scheme...). A script error on any page
    fails the test, and a failed test leaves a screenshot of every page it opened.
    """
    pages: list[Page] = []
    errors: list[str] = []

    def open_page(**options) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        pages.append(page)
        return page

    yield open_page
    if getattr(request.node, "e2e_failed", False):
        for number, page in enumerate(pages):
            shot(page, f"FAILED-{request.node.name}-{number}")
    for page in pages:
        page.context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
