"""The pieces the user-visible benchmarks rely on, checked without timing anything."""

import smtplib
import time
from email.message import EmailMessage

import pytest

from accounts.models import User
from bench import processes
from bench.workload import Sink, percentile

PASSWORD = "Correct-horse-battery-9"


def test_the_smtp_sink_counts_every_message_and_notes_when_the_last_arrived():
    sink = Sink()
    try:
        before = time.monotonic()
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@bench.test", "b@bench.test", "hi"
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            for _ in range(3):
                client.send_message(message)
        last_at = sink.wait_for(3, timeout=10)
        assert sink.count() == 3
        assert before < last_at <= time.monotonic()
    finally:
        sink.stop()
        processes.stop_all()


@pytest.mark.django_db
@pytest.mark.urls("bench.sync_signup")
def test_the_benchmark_signup_without_a_queue_sends_the_email_before_answering(client, smtp_server):
    data = {"email": "ada@example.com", "username": "ada", "password1": PASSWORD}
    response = client.post("/accounts/signup/", {**data, "password2": PASSWORD})

    assert response.status_code == 302
    assert User.objects.filter(username="ada").exists()
    (message,) = smtp_server.sink.messages  # sent inside the request, no worker ran
    assert message["Subject"] == "Confirm your email address for Quick Publisher"


def test_percentiles_pick_the_middle_and_the_tail():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
