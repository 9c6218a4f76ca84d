"""Login throttling on the PostgreSQL limiter: failed logins per username and per client IP.

Only failures count. A success clears the username's failures but not the address's, so an
attacker who owns one account cannot log into it to reset the count for guessing other accounts.
"""

import contextlib
import hashlib

from django.conf import settings

from accounts import ratelimit


def _username_limit() -> ratelimit.Limit:
    return ratelimit.Limit(
        "login-failures-username",
        settings.ACCOUNTS_LOGIN_FAILURES_PER_USERNAME,
        settings.ACCOUNTS_LOGIN_LOCKOUT_SECONDS,
    )


def _ip_limit() -> ratelimit.Limit:
    return ratelimit.Limit(
        "login-failures-ip",
        settings.ACCOUNTS_LOGIN_FAILURES_PER_IP,
        settings.ACCOUNTS_LOGIN_LOCKOUT_SECONDS,
    )


def _username_subject(username: str) -> str:
    # Hashed: what people type as a username can be anything (a NUL byte, a password typed in
    # the wrong field), and the counter keeps none of it. Guesses at "Ada" and "ada" count as one.
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8", "replace")).hexdigest()
    return "user:" + digest[:32]


def _ip_subject(client_ip: str) -> str:
    return "ip:" + client_ip


def check_login_allowed(*, username: str, client_ip: str) -> None:
    """Raise RateLimited when the username or the address has failed too often lately."""
    ratelimit.check(_username_limit(), subject=_username_subject(username))
    ratelimit.check(_ip_limit(), subject=_ip_subject(client_ip))


def record_failed_login(*, username: str, client_ip: str) -> None:
    # One call per limit: a limit already used up must not undo the hit counted by the other.
    hits = ((_username_limit(), _username_subject(username)), (_ip_limit(), _ip_subject(client_ip)))
    for limit, subject in hits:
        with contextlib.suppress(ratelimit.RateLimited):
            ratelimit.hit(limit, subject=subject)


def record_successful_login(*, username: str) -> None:
    ratelimit.reset(_username_limit(), subject=_username_subject(username))
