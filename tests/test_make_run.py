"""`make run`'s supervisor: site and worker together, a dead worker replaced, Ctrl-C stops all."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("timed out")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def sign_up(base: str, username: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/signup/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    fields = {
        "csrfmiddlewaretoken": csrf,
        "username": username,
        "email": f"{username}@example.com",
        "password1": "a long and unusual passphrase 42",
        "password2": "a long and unusual passphrase 42",
    }
    request = urllib.request.Request(
        f"{base}/accounts/signup/",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Referer": f"{base}/accounts/signup/"},
    )
    return opener.open(request).status


@pytest.fixture
def devserver(test_database_url, tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "project.devserver"],
            cwd=BASE_DIR,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")},
                "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
                "DATABASE_URL": test_database_url,
                "PORT": str(port),
                "DEMO_PASSWORD_FILE": str(tmp_path / "password"),
                "PYTHONUNBUFFERED": "1",
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    yield process, port, log
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.django_db(transaction=True)
def test_make_run_serves_the_site_replaces_a_dead_worker_and_stops_everything_on_ctrl_c(devserver):
    process, port, log = devserver
    wait_for(lambda: answers(f"http://127.0.0.1:{port}/health/"), timeout=60)
    output = log.read_text()
    assert re.search(rf"staff login: http://127.0.0.1:{port}/admin/ as admin / \S+", output)

    # A job deferred by the running site is processed by its worker (console email backend).
    assert sign_up(f"http://127.0.0.1:{port}", "newcomer") == 200
    wait_for(lambda: f"http://127.0.0.1:{port}/accounts/verify/" in log.read_text())
    worker_pid = int(re.search(r"worker pid (\d+)", output).group(1))
    children = psutil.Process(process.pid).children(recursive=True)

    os.kill(worker_pid, signal.SIGKILL)
    wait_for(lambda: "starting a new one" in log.read_text())
    wait_for(lambda: len(re.findall(r"Launching a worker", log.read_text())) >= 2, timeout=30)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    survivors = [child for child in children if child.is_running() and child.status() != "zombie"]
    assert survivors == []
    assert not answers(f"http://127.0.0.1:{port}/health/")
