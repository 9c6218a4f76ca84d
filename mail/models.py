from django.conf import settings
from django.db import models


class Delivery(models.Model):
    """One row per email actually handed to the SMTP server.

    `key` names what the email is about (purpose, recipient, subject ids). It is unique, so a job
    that runs twice — a retry after a crash, a stalled job rescued while the first run resumes —
    finds the row and does not send again.
    """

    key = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(max_length=50)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["purpose", "sent_at"])]

    def __str__(self) -> str:
        return self.key
