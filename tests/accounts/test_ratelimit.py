"""The PostgreSQL rate limiter that resend and signup use (and login throttling will)."""

from datetime import timedelta

import pytest

from accounts.ratelimit import Limit, RateLimited, hit

MINUTE = Limit("test-minute", 1, 60)
DAY = Limit("test-day", 5, 24 * 3600)


def test_one_per_minute_opens_again_a_minute_after_the_allowed_hit(db, now):
    hit(MINUTE, subject="u1", now=now)

    with pytest.raises(RateLimited) as refused:
        hit(MINUTE, subject="u1", now=now + timedelta(seconds=30))
    assert refused.value.retry_at == now + timedelta(seconds=60)
    assert refused.value.retry_after_seconds == 30

    hit(MINUTE, subject="u1", now=now + timedelta(seconds=61))
    hit(MINUTE, subject="someone-else", now=now)


def test_five_per_day_refuses_the_sixth_until_the_day_has_passed(db, now):
    for n in range(5):
        hit(MINUTE, DAY, subject="u1", now=now + timedelta(minutes=2 * n))

    with pytest.raises(RateLimited) as refused:
        hit(MINUTE, DAY, subject="u1", now=now + timedelta(hours=3))
    assert refused.value.retry_at == now + timedelta(days=1)

    hit(MINUTE, DAY, subject="u1", now=now + timedelta(days=1, seconds=1))


def test_a_hit_refused_by_one_limit_spends_nothing_from_the_others(db, now):
    hit(MINUTE, DAY, subject="u1", now=now)
    for seconds in range(1, 10):
        with pytest.raises(RateLimited):
            hit(MINUTE, DAY, subject="u1", now=now + timedelta(seconds=seconds))

    for n in range(1, 5):
        hit(MINUTE, DAY, subject="u1", now=now + timedelta(minutes=2 * n))
