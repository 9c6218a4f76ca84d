"""Retry policies shared by every task.

Procrastinate's RetryStrategy waits exponentially without jitter or a cap, and retries nothing
unless told to. `Backoff` adds both, and always retries transient database errors, so jobs
running while PostgreSQL restarts are retried instead of failing for good. A job over its time
limit is never retried: it failed by the operator's own rule.
"""

import random
from collections.abc import Iterable

import psycopg
from attrs import define, field
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.jobs import Job

from ops.limits import TimeLimitExceeded

TRANSIENT_DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    DjangoOperationalError,
    DjangoInterfaceError,
)


@define(kw_only=True)
class Backoff(BaseRetryStrategy):
    """Exponential backoff with jitter and a cap; `attempts` counts every run, the first included.

    The defaults (6 runs, 60 s doubling, ±20 % jitter, capped at 15 min) spread retries over
    about 30 minutes.
    """

    attempts: int = 6
    first_wait: float = 60.0
    factor: float = 2.0
    max_wait: float = 15 * 60.0
    jitter: float = 0.2
    retry_on: Iterable[type[BaseException]] = field(default=(), converter=tuple)

    def wait_before(self, retry_number: int) -> float:
        base = min(self.first_wait * self.factor**retry_number, self.max_wait)
        return max(0.0, base * random.uniform(1 - self.jitter, 1 + self.jitter))

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if job.attempts + 1 >= self.attempts or isinstance(exception, TimeLimitExceeded):
            return None
        if not isinstance(exception, (*self.retry_on, *TRANSIENT_DATABASE_ERRORS)):
            return None
        return RetryDecision(retry_in={"seconds": self.wait_before(job.attempts)})


# Tasks without a more specific policy: transient database errors only, a few quick retries.
DATABASE_BLIPS = Backoff(attempts=5, first_wait=2.0, max_wait=60.0)
