"""Database blips around an email: retried in seconds, and never the cause of a second send."""

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from procrastinate.jobs import Job

from mail.models import Delivery
from mail.sending import RETRY, Email, send

FAIL_NEXT_DELIVERY_COMMIT = """
CREATE SEQUENCE lost_commit_count;
CREATE FUNCTION lose_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('lost_commit_count') = 1 THEN
        RAISE EXCEPTION 'connection lost at commit' USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER lose_commit AFTER INSERT ON mail_delivery
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lose_commit();
"""


@pytest.fixture(autouse=True)
def test_templates(settings):
    settings.TEMPLATES = [
        {**django_settings.TEMPLATES[0], "DIRS": [settings.BASE_DIR / "tests" / "templates"]}
    ]


def job(*, attempts: int) -> Job:
    return Job(
        id=1, queue="emails", lock=None, queueing_lock=None, task_name="t", attempts=attempts
    )


def wait(exception: BaseException) -> float:
    decision = RETRY.get_retry_decision(exception=exception, job=job(attempts=0))
    return (decision.retry_at - timezone.now()).total_seconds()


def test_an_email_job_hit_by_a_database_blip_is_retried_in_seconds_not_a_minute():
    assert wait(psycopg.OperationalError()) <= 2 * (1 + RETRY.jitter)
    assert wait(OSError()) >= RETRY.first_wait * (1 - RETRY.jitter) - 1


def test_an_email_whose_delivery_commit_fails_after_the_smtp_server_took_it_is_not_sent_again(
    transactional_db, smtp_server, django_user_model
):
    reader = django_user_model.objects.create_user("reader", "reader@example.com", "pw-long-enough")
    with connection.cursor() as cursor:
        cursor.execute(FAIL_NEXT_DELIVERY_COMMIT)
    email = Email("test_note", reader, "note:1", {"subject_line": "A note", "post_id": 7})

    assert send(email) is True
    assert send(email) is False  # the job's retry, or a second run after a rescue

    assert len(smtp_server.sink.messages) == 1
    assert Delivery.objects.filter(key="note:1").count() == 1
