"""Password guessing meets a friendly 429 page: per username and per client address, counted in
PostgreSQL (accounts.ratelimit) so every web process shares the count."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.models import RateLimitCounter, User

PASSWORD = "the right passphrase"
_SECOND = timedelta(seconds=1)


@pytest.fixture
def ada(db, settings):
    # A fast hasher: these tests are about counting attempts, not about hashing them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNTS_LOGIN_FAILURES_PER_USERNAME = 3
    settings.ACCOUNTS_LOGIN_FAILURES_PER_IP = 5
    settings.ACCOUNTS_LOGIN_LOCKOUT_SECONDS = 900
    return User.objects.create_user("ada", "ada@example.com", PASSWORD)


def log_in(username: str, password: str, *, ip: str = "203.0.113.7", client=None):
    client = client or Client(REMOTE_ADDR=ip)
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_after_three_wrong_passwords_even_the_right_one_gets_a_429_page(ada):
    for _ in range(3):
        assert log_in("ada", "guess").status_code == 200

    client = Client(REMOTE_ADDR="203.0.113.7")
    response = log_in("ada", PASSWORD, client=client)

    assert response.status_code == 429
    assert 850 < int(response["Retry-After"]) <= 900
    page = response.content.decode()
    assert "You can log in again in" in page
    assert "Too many wrong passwords" in page
    assert SESSION_KEY not in client.session


def test_the_username_stays_locked_from_another_address_and_in_another_case(ada):
    for _ in range(3):
        log_in("ada", "guess", ip="198.51.100.1")

    assert log_in("ADA ", PASSWORD, ip="192.0.2.99").status_code == 429


def test_a_successful_login_forgets_the_usernames_failures(ada):
    for _ in range(2):
        log_in("ada", "guess")
    assert log_in("ada", PASSWORD).status_code == 302

    for _ in range(2):
        assert log_in("ada", "guess").status_code == 200
    assert log_in("ada", PASSWORD).status_code == 302


def test_one_address_guessing_many_usernames_is_stopped_and_others_are_not(ada):
    for name in ["bob", "carol", "dave", "erin", "frank"]:
        assert log_in(name, "guess", ip="198.51.100.9").status_code == 200

    assert log_in("ada", PASSWORD, ip="198.51.100.9").status_code == 429
    assert log_in("ada", PASSWORD, ip="192.0.2.1").status_code == 302


def test_the_lock_lifts_once_the_window_has_passed(ada, settings):
    for _ in range(3):
        log_in("ada", "guess")
    assert log_in("ada", PASSWORD).status_code == 429

    RateLimitCounter.objects.update(window_start=F("window_start") - 901 * _SECOND)

    assert log_in("ada", PASSWORD).status_code == 302


def test_the_admin_signs_in_through_the_throttled_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/admin/"


def test_junk_in_the_forwarded_address_is_counted_not_a_500(ada, settings):
    settings.ACCOUNTS_TRUSTED_PROXIES = 1
    junk = "\x00<script>" * 40

    for attempt in range(5):
        response = Client(HTTP_X_FORWARDED_FOR=junk).post(
            reverse("accounts:login"), {"username": f"guess{attempt}", "password": "guess"}
        )
        assert response.status_code == 200

    assert log_in("ada", PASSWORD, client=Client(HTTP_X_FORWARDED_FOR=junk)).status_code == 429
