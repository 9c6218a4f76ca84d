"""The account emails. Tokens are made here, when the message is rendered, never in a job."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from accounts.tokens import uidb64, verification_token
from mail.sending import Email, load_recipient, send

logger = logging.getLogger(__name__)


def send_verification_email(*, user_id: int, job_id: int) -> bool:
    user = load_recipient(user_id)
    if user.is_verified:
        logger.info("user %s is already verified; no verification email", user_id)
        return False
    link = reverse("accounts:verify", args=[uidb64(user), verification_token.make_token(user)])
    context = {"path": link, "verification_days": settings.ACCOUNTS_VERIFICATION_DAYS}
    # Keyed by job: a re-run of this job sends nothing new, a resend (a new job) sends again.
    return send(Email("verify_email", user, f"verify_email:{user_id}:{job_id}", context))


def send_welcome_email(*, user_id: int) -> bool:
    user = load_recipient(user_id)
    links = {"home_path": reverse("blog:post_list"), "account_path": reverse("accounts:account")}
    return send(Email("welcome", user, f"welcome:{user_id}", links))


def send_password_reset_email(*, user_id: int, job_id: int) -> bool:
    user = load_recipient(user_id)
    token = default_token_generator.make_token(user)
    link = reverse("accounts:password_reset_confirm", args=[uidb64(user), token])
    return send(Email("password_reset", user, f"password_reset:{user_id}:{job_id}", {"path": link}))
