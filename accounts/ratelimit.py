"""Rate limits kept in PostgreSQL: one counter row per limit and subject, one upsert per hit.

A window opens at the first hit and lasts `per_seconds`, so "1 per 60 s" means 60 s after the
last allowed hit. Denied attempts are not counted, and limits taken together are all-or-nothing:
a request refused by one limit spends nothing from the others.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    per_seconds: int


class RateLimited(Exception):
    def __init__(self, *, retry_at: datetime, now: datetime) -> None:
        super().__init__(f"rate limited until {retry_at.isoformat()}")
        self.retry_at = retry_at
        self.retry_after_seconds = max(1, math.ceil((retry_at - now).total_seconds()))


_HIT = f"""
    INSERT INTO {RateLimitCounter._meta.db_table} AS c (key, window_start, hits)
    VALUES (%(key)s, %(now)s, 1)
    ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN c.window_start > %(opened_after)s THEN c.hits + 1 ELSE 1 END,
        window_start = CASE WHEN c.window_start > %(opened_after)s THEN c.window_start
                            ELSE EXCLUDED.window_start END
    WHERE c.window_start <= %(opened_after)s OR c.hits < %(max_hits)s
    RETURNING hits
"""  # noqa: S608 (the only interpolation is our own table name)


def _hit(limit: Limit, key: str, now: datetime) -> datetime | None:
    """Count one hit; None when allowed, else when the limit's window closes."""
    opened_after = now - timedelta(seconds=limit.per_seconds)
    params = {"key": key, "now": now, "opened_after": opened_after, "max_hits": limit.max_hits}
    with connection.cursor() as cursor:
        cursor.execute(_HIT, params)
        if cursor.fetchone():
            return None
    # The refused upsert still locked the row, so this reads the window that refused us.
    window_start = RateLimitCounter.objects.get(key=key).window_start
    return window_start + timedelta(seconds=limit.per_seconds)


def hit(*limits: Limit, subject: str, now: datetime | None = None) -> None:
    """Count one hit of `subject` against every limit, or raise RateLimited and count nothing."""
    now = now or timezone.now()
    refusals: list[datetime] = []
    # Raising inside atomic() rolls back the hits already counted by the other limits.
    with transaction.atomic():
        for limit in limits:
            retry_at = _hit(limit, f"{limit.name}:{subject}", now)
            if retry_at is not None:
                refusals.append(retry_at)
        if refusals:
            raise RateLimited(retry_at=max(refusals), now=now)


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind N trusted proxies, the Nth address from the right of XFF."""
    proxies = settings.ACCOUNTS_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def too_many_requests(request: HttpRequest, exc: RateLimited, *, action: str) -> HttpResponse:
    context = {"action": action, "retry_at": exc.retry_at, "wait": exc.retry_after_seconds}
    headers = {"Retry-After": str(exc.retry_after_seconds)}
    return TemplateResponse(request, "429.html", context, status=429, headers=headers)
