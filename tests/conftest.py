"""Shared fixtures: a real Procrastinate worker over the test database, and a small cast."""

from collections.abc import Callable, Iterable
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app as procrastinate_app
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.smtp import SmtpServer


def _describe(jobs: Iterable[ProcrastinateJob]) -> str:
    return ", ".join(f"#{job.id} {job.task_name}({job.args})" for job in jobs)


PROCRASTINATE_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers"
)


@pytest.fixture(scope="session", autouse=True)
def _disconnect_worker_threads_before_the_test_database_is_dropped(
    django_db_setup, django_db_blocker
):
    # Worker threads keep persistent connections (CONN_MAX_AGE); dropping the test database
    # would otherwise fail with "being accessed by other users".
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _empty_queue_for_transactional_tests(request, django_db_blocker):
    # Procrastinate's tables are unmanaged, so the flush between transactional tests skips them.
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {PROCRASTINATE_TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture
def run_worker(transactional_db) -> Callable[..., None]:
    """Run a real worker over the test database until no job is left to start.

    The worker uses its own psycopg pool, exactly like `manage.py procrastinate worker`, so the
    test needs committed data (transactional_db). A job that ends `failed` fails the test unless
    the call says `allow_failed=True`.
    """
    seen_failed: set[int] = set()

    def run(
        *,
        queues: list[str] | None = None,
        concurrency: int = 1,
        allow_failed: bool = False,
        periodic: bool = False,
        **options,
    ) -> None:
        worker_connector = procrastinate_app.connector.get_worker_connector()
        registry = procrastinate_app.periodic_registry
        # A starting worker defers the latest real tick of every periodic task (the daily report,
        # maintenance); tests that are not about those ticks leave them out.
        saved_periodic = registry.periodic_tasks
        if not periodic:
            registry.periodic_tasks = {}
        with procrastinate_app.replace_connector(worker_connector) as app:
            try:
                app.run_worker(
                    wait=False,
                    install_signal_handlers=False,
                    listen_notify=False,
                    queues=queues,
                    concurrency=concurrency,
                    **options,
                )
            finally:
                registry.periodic_tasks = saved_periodic
        failed = ProcrastinateJob.objects.filter(status="failed").exclude(id__in=seen_failed)
        seen_failed.update(job.id for job in failed)
        if failed and not allow_failed:
            pytest.fail(f"jobs ended failed: {_describe(failed)}")

    return run


@pytest.fixture
def test_database_url(db) -> str:
    """DATABASE_URL of the test database, for worker and manage.py subprocesses."""
    params = connection.settings_dict
    host = quote(params["HOST"], safe="")
    port = f"&port={params['PORT']}" if params["PORT"] else ""
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    return f"postgresql://{params['USER']}{password}@/{params['NAME']}?host={host}{port}"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django (web and worker threads) sends to it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def now():
    return timezone.now()
