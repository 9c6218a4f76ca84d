"""Test-only tasks for the fault suite: work no product task does (slow on purpose, or deadly).

Loaded into worker subprocesses through PROCRASTINATE_IMPORT_PATHS=tests.reliability.tasks.
"""

import os
import signal
import smtplib
import time

from procrastinate.contrib.django import app

from accounts.emails import send_welcome_email
from mail.sending import QUEUE
from ops.retry import Backoff

# Quick retries, so a recovery fits in a test's window.
QUICK = Backoff(attempts=5, first_wait=1.0, max_wait=4.0, retry_on=(smtplib.SMTPException, OSError))


@app.task(name="reliability.slow_welcome", queue=QUEUE, retry=QUICK)
def slow_welcome(*, user_id: int, seconds: float) -> None:
    # Long enough to be caught mid-flight by a kill, a pause or a shutdown.
    time.sleep(seconds)
    send_welcome_email(user_id=user_id)


@app.task(name="reliability.poison", queue=QUEUE, retry=QUICK)
def poison(*, marker: int) -> None:
    # Whatever runs this job dies with it: the kind of job only the rescue cap can contain.
    os.kill(os.getpid(), signal.SIGKILL)
