"""Fixtures of the fault suite: its own PostgreSQL, SMTP sink and supervised processes."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.reliability.cluster import BASE_DIR, Cluster
from tests.reliability.processes import Processes
from tests.smtp import SmtpServer

# Short heartbeats and stall threshold, so a lost worker is noticed within seconds.
SUITE_SETTINGS = {
    "WORKER_HEARTBEAT_SECONDS": "1",
    "JOBS_STALL_SECONDS": "3",
    "JOBS_RESCUE_MAX": "2",
    "WORKER_SHUTDOWN_TIMEOUT": "15",
    "PROCRASTINATE_IMPORT_PATHS": "tests.reliability.tasks",
    "ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR": "1000",
    "DEBUG": "1",
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    cluster = Cluster()
    cluster.start()
    cluster.migrate({**os.environ, "DATABASE_URL": cluster.url})
    yield cluster
    cluster.stop()


@dataclass
class Faults:
    cluster: Cluster
    processes: Processes
    smtp: SmtpServer

    @property
    def sink(self):
        return self.smtp.sink

    def scenario(self, command: str, **options: object) -> list[int]:
        """Run a product action (tests/reliability/scenario.py) against the suite's database."""
        arguments = [f"--{name}={value}" for name, value in options.items()]
        result = subprocess.run(
            [sys.executable, "-m", "tests.reliability.scenario", command, *arguments],
            cwd=BASE_DIR, env=self.processes.environ, capture_output=True, text=True,
            timeout=60, check=True,
        )  # fmt: skip
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def faults(cluster, tmp_path):
    cluster.reset()
    smtp = SmtpServer()
    smtp.start()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_"))},
        **SUITE_SETTINGS,
        "DATABASE_URL": cluster.url,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "5",
    }
    processes = Processes(environ, tmp_path)
    try:
        yield Faults(cluster, processes, smtp)
    finally:
        try:
            cluster.ensure_running()
        finally:
            processes.stop_all(timeout=20)
            smtp.stop()
        print(processes.logs())  # pytest shows it when the test fails
