from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower


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
