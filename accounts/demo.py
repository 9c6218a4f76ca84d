"""Demo content for `make run`: a staff user whose password is kept in .data/ and printed."""

import secrets

from django.conf import settings
from django.utils import timezone

from accounts.models import User

STAFF_USERNAME = "admin"


def seed(*, site: str) -> list[str]:
    credentials = settings.DEMO_PASSWORD_FILE
    staff = User.objects.filter(username=STAFF_USERNAME).first()
    if staff is None:
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            STAFF_USERNAME, "admin@example.com", password, email_verified_at=timezone.now()
        )
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(password)
    password = (
        credentials.read_text()
        if credentials.exists()
        else "(set on first run; see createsuperuser)"
    )
    return [f"staff login: {site}/admin/ as {STAFF_USERNAME} / {password}"]
