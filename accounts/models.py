from datetime import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.tasks import send_welcome_email


class User(AbstractUser):
    email = models.EmailField("email address", blank=True, default="")
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                condition=~models.Q(email=""),
                violation_error_message="A user with that email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def mark_email_verified(self, *, at: datetime | None = None) -> bool:
        """Verify the address and queue the welcome email, once. True when this call verified it.

        The conditional UPDATE is the claim: two confirmations racing each other verify once and
        welcome once.
        """
        at = at or timezone.now()
        with transaction.atomic():
            claimed = User.objects.filter(pk=self.pk, email_verified_at__isnull=True).update(
                email_verified_at=at
            )
            if claimed:
                send_welcome_email.defer(user_id=self.pk)
        if claimed:
            self.email_verified_at = at
        return bool(claimed)


class RateLimitCounter(models.Model):
    """Hits in the current window of one limit for one subject (see accounts.ratelimit)."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} since {self.window_start:%Y-%m-%d %H:%M:%S}"
