"""What a newcomer meets before the first page: settings, the database bootstrap, compose."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from project import dburl, devserver

BASE_DIR = Path(__file__).resolve().parent.parent


def run_python(code: str, **environ: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**env, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import project.settings", DEBUG="0", ALLOWED_HOSTS="example.com")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key_and_hosts():
    result = run_python(
        "import project.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)",
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.com",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_database_url_with_a_socket_directory_and_password_is_parsed():
    parsed = dburl.parse("postgresql://app:s%40cret@db.internal:6543/blog?sslmode=require")

    assert parsed["HOST"] == "db.internal"
    assert parsed["PORT"] == "6543"
    assert parsed["PASSWORD"] == "s@cret"
    assert parsed["OPTIONS"] == {"sslmode": "require"}
    assert dburl.parse("postgresql://postgres@/qp?host=%2Ftmp%2Fpg")["HOST"] == "/tmp/pg"


def bootstrap_with(database_url: str) -> subprocess.CompletedProcess:
    """What `make run` / `make test` do first: reach the database, then run a command."""
    return subprocess.run(
        [sys.executable, "-m", "project.devdb", "run", "--", "true"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "postgresql://u@localhost:99999/x"])
def test_a_malformed_database_url_gets_one_clear_line(url):
    result = bootstrap_with(url)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "DATABASE_URL is malformed" in result.stderr


def test_an_unreachable_database_names_host_and_port_but_never_the_password():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql://app:hunter2-secret@127.0.0.1:{port}/quick"

    result = bootstrap_with(url)

    assert result.returncode == 2
    assert f"cannot reach PostgreSQL at 127.0.0.1:{port}/quick" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_make_run_explains_how_to_pick_another_port_when_8000_is_taken(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        os.environ["PORT"] = str(port)
        try:
            assert devserver.main() == 2
        finally:
            del os.environ["PORT"]

    assert f"PORT={port + 1} make run" in capsys.readouterr().out


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "compose.yaml").read_text())


def test_compose_runs_postgres_16_with_a_named_volume_and_a_healthcheck(compose):
    db = compose["services"]["db"]

    assert db["image"] == "postgres:16"
    assert db["volumes"][0].split(":")[0] in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_migrates_once_before_web_and_worker_start(compose):
    services = compose["services"]

    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["build"] == "."
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_compose_worker_restarts_and_outlives_its_graceful_shutdown(compose):
    worker = compose["services"]["worker"]

    assert worker["command"] == ["python", "manage.py", "procrastinate", "worker"]
    assert worker["restart"] == "unless-stopped"
    grace = int(worker["stop_grace_period"].rstrip("s"))
    assert grace > int(worker["environment"]["WORKER_SHUTDOWN_TIMEOUT"])
    assert compose["services"]["web"]["command"][0] == "gunicorn"


def test_compose_offers_mailpit_for_development_mail(compose):
    mailpit = compose["services"]["mailpit"]

    assert {"1025:1025", "8025:8025"} <= set(mailpit["ports"])
    assert compose["services"]["worker"]["environment"]["EMAIL_URL"] == "smtp://mailpit:1025"


def test_the_dockerfile_runs_as_a_non_root_user_with_static_files_collected():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert "USER app" in dockerfile
    assert "collectstatic --noinput" in dockerfile


def test_procrastinate_healthchecks_pass_against_the_configured_database(test_database_url):
    result = subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "healthchecks"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": test_database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def _compose_command() -> list[str] | None:
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_accepts_the_file():
    command = _compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("CI must validate compose.yaml: .ci/run installs docker-compose")
        pytest.skip("no docker compose plugin or docker-compose on this machine")

    result = subprocess.run(
        [*command, "-f", str(BASE_DIR / "compose.yaml"), "config", "-q"],
        env={**os.environ, "SECRET_KEY": "compose-config-check"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
