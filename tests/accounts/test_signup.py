"""Signup: the user and its verification job in one transaction; the email via a real worker."""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from accounts.signup import signup
from mail.models import Delivery
from mail.sending import PRIORITY_TRANSACTIONAL, QUEUE
from tests.accounts.conftest import PASSWORD, link_in, sign_up


def test_signup_emails_a_link_that_verifies_the_account_once_confirmed(
    client, run_worker, smtp_server
):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/verify/sent/"
    user = User.objects.get(username="ada")
    assert not user.is_verified
    assert "ada@example.com" in client.get("/accounts/verify/sent/").content.decode()
    assert smtp_server.sink.messages == []  # the request did not wait for SMTP

    run_worker()
    (message,) = smtp_server.sink.messages
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Confirm your email address for Quick Publisher"
    path = link_in(message, "/accounts/verify/")
    assert settings.SITE_URL in message.get_body(("html",)).get_content()

    confirm_page = client.get(path)
    assert confirm_page.status_code == 200
    assert "Confirm my address" in confirm_page.content.decode()
    user.refresh_from_db()
    assert not user.is_verified  # opening the link (a mail scanner) changes nothing

    assert client.post(path)["Location"] == "/accounts/"
    user.refresh_from_db()
    assert user.is_verified
    assert "verified" in client.get("/accounts/").content.decode()

    run_worker()
    welcome = smtp_server.sink.messages[1]
    assert welcome["Subject"] == "Welcome to Quick Publisher, ada"
    assert len(smtp_server.sink.messages) == 2


def test_a_signup_whose_transaction_fails_after_deferring_leaves_neither_user_nor_job(
    run_worker, smtp_server
):
    with pytest.raises(RuntimeError), transaction.atomic():
        signup(username="ada", email="ada@example.com", password=PASSWORD)
        raise RuntimeError("the request failed after the job was deferred")

    run_worker()

    assert not User.objects.exists()
    assert not ProcrastinateJob.objects.filter(
        task_name="accounts.send_verification_email"
    ).exists()
    assert smtp_server.sink.messages == []


def test_signup_answers_while_smtp_is_down_and_the_email_arrives_once_it_is_back(
    client, run_worker, smtp_server
):
    smtp_server.stop()

    assert sign_up(client).status_code == 302
    run_worker()

    job = ProcrastinateJob.objects.get(task_name="accounts.send_verification_email")
    assert (job.status, job.attempts) == ("todo", 1)  # waiting for its retry, not failed
    assert (job.queue_name, job.priority) == (QUEUE, PRIORITY_TRANSACTIONAL)

    smtp_server.start()
    ProcrastinateJob.objects.filter(id=job.id).update(scheduled_at=None)  # make the retry due
    run_worker()

    assert ProcrastinateJob.objects.get(id=job.id).status == "succeeded"
    (message,) = smtp_server.sink.messages
    assert message["To"] == "ada@example.com"


def test_a_verification_job_run_again_after_a_stall_sends_one_email(
    client, run_worker, smtp_server
):
    sign_up(client)
    run_worker()
    job = ProcrastinateJob.objects.get(task_name="accounts.send_verification_email")
    # As if the worker died after sending but before recording success, and ops rescued the job.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", [job.id])
    app.job_manager.retry_job_by_id(job.id, retry_at=timezone.now())
    assert ProcrastinateJob.objects.get(id=job.id).status == "todo"

    run_worker()

    assert ProcrastinateJob.objects.get(id=job.id).status == "succeeded"
    assert len(smtp_server.sink.messages) == 1
    assert Delivery.objects.filter(purpose="verify_email").count() == 1


def test_an_address_already_used_in_another_case_is_a_form_error(client, django_user_model):
    django_user_model.objects.create_user("first", "Ada@Example.com", PASSWORD)

    response = sign_up(client, email="ada@EXAMPLE.com")

    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert not django_user_model.objects.filter(username="ada").exists()
    assert not ProcrastinateJob.objects.filter(task_name__startswith="accounts.").exists()


def test_a_weak_password_is_refused_with_the_validators_message(client):
    data = {"email": "ada@example.com", "username": "ada", "password1": "123", "password2": "123"}

    response = client.post("/accounts/signup/", data)

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not User.objects.exists()


def test_signups_from_one_address_are_limited_per_hour(client, settings):
    settings.ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR = 2
    for n in range(2):
        assert sign_up(client, email=f"u{n}@example.com", username=f"u{n}").status_code == 302
        client.logout()

    response = sign_up(client, email="u2@example.com", username="u2")

    assert response.status_code == 429
    assert "You can sign up again in" in response.content.decode()
    assert int(response["Retry-After"]) > 3500
    assert not User.objects.filter(username="u2").exists()
    other = sign_up(client, email="u3@example.com", username="u3", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_verification_email_for_a_deleted_user_fails_at_once_without_retrying(
    client, run_worker, smtp_server
):
    sign_up(client)
    User.objects.filter(username="ada").delete()

    run_worker(allow_failed=True)

    job = ProcrastinateJob.objects.get(task_name="accounts.send_verification_email")
    assert (job.status, job.attempts) == ("failed", 1)  # one run, no retry scheduled
    assert smtp_server.sink.messages == []
