"""Debian's Chromium driven by Playwright, and screenshots for people to look at.

Playwright's own browser downloads are never used (they cannot be fetched here): `make test`
installs /usr/bin/chromium with apt-get, and every launch points Playwright at it.
"""

import os
import re
import shutil
from pathlib import Path

from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in containers, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = settings.BASE_DIR / "artifacts" / "e2e"


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if os.access(CHROMIUM, os.X_OK):
        return None
    if os.geteuid() != 0:
        why = "make test installs it with apt-get only when run as root"
    elif shutil.which("apt-get") is None:
        why = "there is no apt-get to install it with"
    else:
        why = "apt-get install chromium did not succeed (see make test's output)"
    return f"Chromium is not installed at {CHROMIUM}: {why}"


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/e2e/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=path, full_page=True)
    return path


def log_in(page, *, username: str, password: str) -> None:
    """Log in the way a person does: from the header's link, through the login form."""
    page.goto("/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
