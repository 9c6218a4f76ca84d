from django.conf import settings
from django.db import transaction

from ops.limits import declared_rate_limits
from ops.models import RateLimit


def sync_rate_limits() -> dict[str, tuple[int, int]]:
    """Store the declared limits where the fetch function reads them; drop undeclared ones."""
    declared = declared_rate_limits(settings.JOBS_QUEUE_RATE_LIMITS)
    with transaction.atomic():
        RateLimit.objects.exclude(scope__in=declared).delete()
        for scope, (max_jobs, seconds) in declared.items():
            RateLimit.objects.update_or_create(
                scope=scope, defaults={"max_jobs": max_jobs, "period_seconds": seconds}
            )
    return declared
