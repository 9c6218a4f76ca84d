"""Signup and resending the verification email, each in one transaction with its job."""

from django.conf import settings
from django.db import transaction

from accounts import ratelimit
from accounts.models import User
from accounts.tasks import defer_once, send_verification_email


def signup_limits() -> list[ratelimit.Limit]:
    return [ratelimit.Limit("signup-ip-hour", settings.ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR, 3600)]


def resend_limits() -> list[ratelimit.Limit]:
    interval = settings.ACCOUNTS_RESEND_INTERVAL_SECONDS
    return [
        ratelimit.Limit("verify-resend-interval", 1, interval),
        ratelimit.Limit("verify-resend-day", settings.ACCOUNTS_RESENDS_PER_DAY, 24 * 3600),
    ]


def signup(*, username: str, email: str, password: str, client_ip: str | None = None) -> User:
    """Create an unverified user and queue its verification email: both commit, or neither.

    Raises RateLimited when `client_ip` has signed up too often; a refused signup costs nothing.
    """
    with transaction.atomic():
        if client_ip is not None:
            ratelimit.hit(*signup_limits(), subject=f"ip:{client_ip}")
        user = User.objects.create_user(username=username, email=email, password=password)
        defer_once(send_verification_email, user_id=user.pk)
    return user


def resend_verification(*, user: User) -> bool:
    """Queue another verification email; False when one is still waiting to be sent.

    Raises RateLimited when the user asked too often. Only a queued email counts as a hit.
    """
    with transaction.atomic():
        if not defer_once(send_verification_email, user_id=user.pk):
            return False
        ratelimit.hit(*resend_limits(), subject=f"user:{user.pk}")
    return True
