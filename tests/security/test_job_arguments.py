"""The suite-wide check on job arguments (tests/conftest.py) knows a secret when it sees one."""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing

from accounts.models import User
from accounts.tokens import verification_token
from blog.notifications import unsubscribe_url
from tests.job_secrets import remember_password, secrets_in


def test_addresses_tokens_signed_links_and_passwords_are_caught():
    user = User(pk=7, username="ada", email="ada@example.com", password="")
    remember_password("a password nobody should log")
    unsubscribe_token = unsubscribe_url(follower_id=1, author_id=2).rstrip("/").rsplit("/", 1)[1]

    for value in [
        "ada@example.com",
        default_token_generator.make_token(user),
        verification_token.make_token(user),
        unsubscribe_token,
        signing.dumps({"user": 7}),
        signing.TimestampSigner().sign("7"),
        "a password nobody should log",
        "pbkdf2_sha256$1000000$salt$hash",
    ]:
        assert secrets_in({"ids": [1, {"note": value}]}), value


def test_arguments_named_like_secrets_are_caught_whatever_their_value():
    for name in ["email", "to_address", "token", "reset_token", "password", "new_password"]:
        assert secrets_in({name: 1}), name


def test_ids_dates_times_and_periodic_timestamps_pass():
    args = {
        "user_id": 3,
        "follower_ids": [1, 2, 3],
        "post_id": 9,
        "day": "2026-11-21",
        "publish_at": "2026-11-21T08:00:00+00:00",
        "timestamp": 1763712000,
        "run_id": 4,
    }

    assert secrets_in(args) == []
