"""Tampered, expired, used or outdated verification links get a clear 400 page, never a 500."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from accounts.tokens import EmailVerificationTokenGenerator, uidb64, verification_token
from tests.accounts.conftest import PASSWORD


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", "ada@example.com", PASSWORD)


def link(user, token=None) -> str:
    return reverse(
        "accounts:verify", args=[uidb64(user), token or verification_token.make_token(user)]
    )


def test_a_valid_link_verifies_on_post_and_queues_the_welcome_email(client, ada):
    response = client.post(link(ada))

    assert response["Location"] == "/accounts/login/"
    ada.refresh_from_db()
    assert ada.is_verified
    assert ProcrastinateJob.objects.filter(
        task_name="accounts.send_welcome_email", args={"user_id": ada.pk}
    ).exists()


def test_a_tampered_link_gets_a_400_page_offering_a_new_link(client, ada):
    client.force_login(ada)
    token = verification_token.make_token(ada)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")

    for path in [link(ada, tampered), link(ada, "nonsense"), "/accounts/verify/!!/abc-def/"]:
        response = client.post(path)
        assert response.status_code == 400
        assert "This link no longer works" in response.content.decode()
        assert "Send me a new link" in response.content.decode()
    ada.refresh_from_db()
    assert not ada.is_verified


def test_an_expired_link_gets_a_400_page(client, ada, monkeypatch, settings):
    settings.ACCOUNTS_VERIFICATION_DAYS = 3
    sent = datetime.now() - timedelta(days=3, minutes=1)
    monkeypatch.setattr(EmailVerificationTokenGenerator, "_now", lambda self: sent)
    old_token = verification_token.make_token(ada)
    monkeypatch.undo()

    response = client.post(link(ada, old_token))

    assert response.status_code == 400
    assert "links last 3 days" in response.content.decode()
    ada.refresh_from_db()
    assert not ada.is_verified


def test_a_used_link_gets_a_400_page_saying_the_address_is_already_confirmed(client, ada):
    client.force_login(ada)
    path = link(ada)
    client.post(path)

    response = client.get(path)

    assert response.status_code == 400
    assert "Your address is already confirmed" in response.content.decode()
    assert ProcrastinateJob.objects.filter(task_name="accounts.send_welcome_email").count() == 1


def test_a_link_stops_working_when_the_email_address_changes(client, ada):
    path = link(ada)
    ada.email = "ada@elsewhere.example"
    ada.save()

    assert client.post(path).status_code == 400
    ada.refresh_from_db()
    assert not ada.is_verified


def test_verifying_twice_welcomes_once(ada):
    assert ada.mark_email_verified() is True
    assert User.objects.get(pk=ada.pk).mark_email_verified() is False

    assert ProcrastinateJob.objects.filter(task_name="accounts.send_welcome_email").count() == 1


def test_the_account_page_shows_the_verification_state_and_a_resend_button(client, ada):
    client.force_login(ada)

    page = client.get("/accounts/").content.decode()

    assert "ada@example.com" in page and "not verified" in page
    assert "Send me a new link" in page
