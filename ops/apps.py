from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_rate_limits(sender, **kwargs) -> None:
    from ops.ratelimits import sync_rate_limits

    sync_rate_limits()


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Queue operations"

    def ready(self) -> None:
        # Every deploy runs `migrate`: that is when declared rate limits reach the database.
        post_migrate.connect(_sync_rate_limits, sender=self)
