"""Password reset by email through the queue, and the other contrib.auth password pages."""

from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from tests.accounts.conftest import PASSWORD, link_in

NEW_PASSWORD = "a brand new passphrase"


def test_the_reset_email_arrives_and_its_link_sets_a_new_password(client, run_worker, smtp_server):
    User.objects.create_user("ada", "ada@example.com", PASSWORD)

    response = client.post("/accounts/password/reset/", {"email": "ADA@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert smtp_server.sink.messages == []
    run_worker()

    (message,) = smtp_server.sink.messages
    assert message["Subject"] == "Reset your Quick Publisher password"
    form_page = client.get(link_in(message, "/accounts/password/reset/"), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    done = client.post(form_page.redirect_chain[-1][0], data)
    assert done["Location"] == "/accounts/password/reset/done/"

    assert not client.login(username="ada", password=PASSWORD)
    login = client.post("/accounts/login/", {"username": "ada", "password": NEW_PASSWORD})
    assert login.status_code == 302
    again = client.get(link_in(message, "/accounts/password/reset/"), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_job(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert not ProcrastinateJob.objects.filter(task_name__startswith="accounts.").exists()


def test_a_logged_in_user_changes_their_password(client, db):
    user = User.objects.create_user("ada", "ada@example.com", PASSWORD)
    client.force_login(user)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}

    response = client.post("/accounts/password/change/", data)

    assert response["Location"] == "/accounts/password/change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
