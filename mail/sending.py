"""The one email pipeline: render from templates, send once per key, classify SMTP failures.

Feature apps call `send()` (one message) or `send_many()` (a batch over one SMTP connection) from
their tasks. Each message is sent inside a transaction that inserts its `Delivery` row: a second
run of the same job finds the row (or waits on the first run's uncommitted insert) and skips the
message, and an SMTP failure rolls the row back so the retry sends it.
"""

import contextlib
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from mail.models import Delivery
from ops.retry import Backoff

logger = logging.getLogger(__name__)

QUEUE = "emails"
# Procrastinate runs higher priorities first: account emails before bulk notifications and reports.
PRIORITY_TRANSACTIONAL = 10
PRIORITY_BULK = 0


class PermanentEmailError(Exception):
    """Not worth retrying: the recipient is gone or the server refused the message with a 5xx."""


# SMTP 4xx answers and network errors are retried; PermanentEmailError is not.
RETRY = Backoff(retry_on=(smtplib.SMTPException, OSError))


@dataclass(frozen=True)
class Email:
    purpose: str
    to_user: Any
    key: str
    context: dict = field(default_factory=dict)
    # content id -> PNG bytes, shown inline by the HTML part as <img src="cid:…">
    inline_images: dict[str, bytes] = field(default_factory=dict)


def load_recipient(user_id: int):
    """The user an email goes to, or a permanent failure if they were deleted or have no address."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise PermanentEmailError(f"user {user_id} no longer exists")
    if not user.email:
        raise PermanentEmailError(f"user {user_id} has no email address")
    return user


def render(email: Email) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, "user": email.to_user, **email.context}
    subject = " ".join(render_to_string(f"emails/{email.purpose}_subject.txt", context).split())
    body = render_to_string(f"emails/{email.purpose}.txt", context)
    message = EmailMultiAlternatives(subject, body, to=[email.to_user.email])
    with contextlib.suppress(TemplateDoesNotExist):
        html = render_to_string(f"emails/{email.purpose}.html", context)
        message.attach_alternative(html, "text/html")
    for content_id, png in email.inline_images.items():
        image = MIMEImage(png, "png")
        image.add_header("Content-ID", f"<{content_id}>")
        image.add_header("Content-Disposition", "inline", filename=f"{content_id}.png")
        message.attach(image)
    if email.inline_images:
        message.mixed_subtype = "related"
    return message


def _permanent(exc: smtplib.SMTPException) -> PermanentEmailError | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return PermanentEmailError(f"the SMTP server refused the recipient ({codes[0]})")
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        reason = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        return PermanentEmailError(f"the SMTP server refused the message: {exc.smtp_code} {reason}")
    return None


def _send_once(email: Email, connection) -> bool:
    handed_over = False
    try:
        with transaction.atomic():
            Delivery.objects.create(key=email.key, purpose=email.purpose, recipient=email.to_user)
            message = render(email)
            message.connection = connection
            try:
                message.send()
            except smtplib.SMTPException as exc:
                permanent = _permanent(exc)
                if permanent:
                    raise permanent from exc
                raise
            handed_over = True
    except IntegrityError:
        logger.info("email %s was already sent; not sending it again", email.key)
        return False
    except DatabaseError:
        if not handed_over or db_connection.in_atomic_block:
            raise
        _record_lost_delivery(email)
    return True


def _record_lost_delivery(email: Email) -> None:
    """The SMTP server took the message but the COMMIT of its row failed (a connection cut).

    Recorded again on a fresh connection, or the job's retry would send the email a second time.
    If the database is really down this fails too, and the retry does send it again.
    """
    logger.warning("email %s was sent but its delivery row was lost; recording it again", email.key)
    db_connection.close()
    Delivery.objects.get_or_create(
        key=email.key, defaults={"purpose": email.purpose, "recipient": email.to_user}
    )


def send(email: Email) -> bool:
    """Send one email unless its key was sent before. True when it was sent now."""
    connection = get_connection(fail_silently=False)
    return _send_once(email, connection)


def send_many(emails: Iterable[Email]) -> int:
    """Send a batch over one SMTP connection; already-sent keys are skipped.

    A refused recipient is logged and skipped so it cannot hold up the others; a transient error
    stops the batch and is raised, so the job is retried and resumes after the last sent message.
    """
    sent = 0
    with get_connection(fail_silently=False) as connection:
        for email in emails:
            try:
                sent += _send_once(email, connection)
            except PermanentEmailError as exc:
                logger.warning("not sending %s: %s", email.key, exc)
    return sent
