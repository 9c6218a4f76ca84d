from django.db import transaction
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.tasks import Task

from accounts import emails
from mail.sending import PRIORITY_TRANSACTIONAL, QUEUE, RETRY

ACCOUNT_EMAIL = {"queue": QUEUE, "priority": PRIORITY_TRANSACTIONAL, "retry": RETRY}


@app.task(name="accounts.send_verification_email", pass_context=True, **ACCOUNT_EMAIL)
def send_verification_email(context: JobContext, *, user_id: int) -> None:
    emails.send_verification_email(user_id=user_id, job_id=context.job.id)


@app.task(name="accounts.send_welcome_email", **ACCOUNT_EMAIL)
def send_welcome_email(*, user_id: int) -> None:
    emails.send_welcome_email(user_id=user_id)


@app.task(name="accounts.send_password_reset_email", pass_context=True, **ACCOUNT_EMAIL)
def send_password_reset_email(context: JobContext, *, user_id: int) -> None:
    emails.send_password_reset_email(user_id=user_id, job_id=context.job.id)


def defer_once(task: Task, *, user_id: int) -> bool:
    """Defer `task` for the user unless one is already waiting. True when deferred now."""
    try:
        # A queueing-lock conflict would otherwise abort the caller's whole transaction.
        with transaction.atomic():
            task.configure(queueing_lock=f"{task.name}:{user_id}").defer(user_id=user_id)
    except AlreadyEnqueued:
        return False
    return True
