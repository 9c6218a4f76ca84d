"""With DEBUG=0 the site answers with the production security headers and cookie flags, and
`manage.py check --deploy` has nothing to say. Run in a subprocess: settings are read at import."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import User

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "quick.example.com"
PASSWORD = "a production passphrase"

# Requests the site as a browser would, over https and plain http, and reports what came back.
PROBE = f"""
import json
import django
django.setup()
from django.test import Client

def seen(response):
    cookies = {{name: dict(morsel) for name, morsel in response.cookies.items()}}
    return {{"status": response.status_code, "headers": dict(response.headers), "cookies": cookies}}

client = Client(HTTP_HOST="{HOST}")
page = client.get("/accounts/login/", secure=True)
login = client.post(
    "/accounts/login/", {{"username": "ada", "password": "{PASSWORD}"}}, secure=True
)
plain = client.get("/accounts/login/", secure=False)
print(json.dumps({{"page": seen(page), "login": seen(login), "plain": seen(plain)}}))
"""


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
    }


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.fixture
def production(transactional_db, test_database_url, tmp_path) -> dict[str, str]:
    env = production_env(test_database_url, tmp_path / "static")
    # Production serves the collected, hashed files; the admin's are not needed for these pages.
    run(["manage.py", "collectstatic", "--noinput", "-v0", "--ignore", "admin"], env)
    return env


def test_the_deploy_check_passes_with_production_settings(production):
    output = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production)

    assert "no issues" in output


def test_production_responses_carry_the_security_headers_and_cookie_flags(production):
    User.objects.create_user("ada", "ada@example.com", PASSWORD)

    seen = json.loads(run(["-c", PROBE], production))

    page, login, plain = seen["page"], seen["login"], seen["plain"]
    assert page["status"] == 200
    headers = page["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]
    csrf = page["cookies"]["csrftoken"]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")

    assert login["status"] == 302
    session = login["cookies"]["sessionid"]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")

    assert plain["status"] == 301
    assert plain["headers"]["Location"] == f"https://{HOST}/accounts/login/"
