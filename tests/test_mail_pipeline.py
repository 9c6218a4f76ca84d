"""The shared email pipeline against a real SMTP server on loopback."""

import pytest
from django.conf import settings as django_settings

from mail.models import Delivery
from mail.sending import RETRY, Email, PermanentEmailError, send, send_many


@pytest.fixture(autouse=True)
def test_templates(settings):
    settings.TEMPLATES = [
        {**django_settings.TEMPLATES[0], "DIRS": [settings.BASE_DIR / "tests" / "templates"]}
    ]


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("reader", "reader@example.com", "pw-long-enough")


def note(user, key="note:1", **context) -> Email:
    return Email("test_note", user, key, {"subject_line": "A note", "post_id": 7, **context})


def test_an_email_is_rendered_with_absolute_links_and_an_html_part(db, smtp_server, reader):
    assert send(note(reader)) is True

    (message,) = smtp_server.sink.messages
    assert message["Subject"] == "A note"
    assert message["To"] == "reader@example.com"
    assert f"{django_settings.SITE_URL}/posts/7/" in message.get_body(("plain",)).get_content()
    assert "<p>Hello reader" in message.get_body(("html",)).get_content()


def test_the_same_key_is_never_sent_twice(db, smtp_server, reader):
    assert send(note(reader)) is True
    assert send(note(reader)) is False

    assert len(smtp_server.sink.messages) == 1
    assert Delivery.objects.filter(key="note:1", recipient=reader).count() == 1


def test_a_batch_goes_over_one_connection_and_skips_what_was_sent(
    db, smtp_server, django_user_model
):
    users = [
        django_user_model.objects.create_user(f"u{i}", f"u{i}@example.com", "pw-long-enough")
        for i in range(5)
    ]
    send(note(users[0], key="note:u0"))

    sent = send_many(note(user, key=f"note:u{i}") for i, user in enumerate(users))

    assert sent == 4
    assert sorted(m["To"] for m in smtp_server.sink.messages) == [
        f"u{i}@example.com" for i in range(5)
    ]


def test_a_refused_address_is_a_permanent_failure_and_leaves_no_delivery_row(
    db, smtp_server, reader
):
    smtp_server.sink.refuse_with = "550 5.1.1 mailbox unavailable"

    with pytest.raises(PermanentEmailError, match="550"):
        send(note(reader))
    assert not Delivery.objects.exists()


def test_a_server_that_is_down_is_a_retryable_failure_and_the_retry_sends(db, smtp_server, reader):
    smtp_server.stop()
    with pytest.raises(OSError) as failure:
        send(note(reader))
    assert RETRY.get_retry_decision(exception=failure.value, job=_job(attempts=0)) is not None

    smtp_server.start()
    assert send(note(reader)) is True
    assert len(smtp_server.sink.messages) == 1


def test_an_inline_chart_is_attached_as_a_related_image(db, smtp_server, reader):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    send(
        Email(
            "test_note", reader, "note:chart", {"subject_line": "x", "post_id": 1}, {"chart": png}
        )
    )

    (message,) = smtp_server.sink.messages
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert images and images[0]["Content-ID"] == "<chart>"


def test_retry_policy_backs_off_with_jitter_and_a_cap_then_gives_up():
    waits = [RETRY.wait_before(n) for n in range(5)]

    assert 48 <= waits[0] <= 72
    assert all(w <= RETRY.max_wait * (1 + RETRY.jitter) for w in waits)
    assert 20 * 60 <= sum(RETRY.first_wait * 2**n for n in range(5)) <= 40 * 60
    assert RETRY.get_retry_decision(exception=OSError(), job=_job(attempts=5)) is None
    assert RETRY.get_retry_decision(exception=PermanentEmailError(), job=_job(attempts=0)) is None


def _job(*, attempts: int):
    from procrastinate.jobs import Job

    return Job(
        id=1, queue="emails", lock=None, queueing_lock=None, task_name="t", attempts=attempts
    )
