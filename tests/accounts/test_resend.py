"""Resending the verification email: one waiting job per user, and a rate limit with a 429 page."""

from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.models import User
from tests.accounts.conftest import PASSWORD


def verification_jobs(**filters):
    return ProcrastinateJob.objects.filter(task_name="accounts.send_verification_email", **filters)


def test_resend_while_an_email_is_waiting_queues_nothing_more(client, db):
    user = User.objects.create_user("ada", "ada@example.com", PASSWORD)
    client.force_login(user)

    first = client.post("/accounts/verify/resend/", follow=True)
    second = client.post("/accounts/verify/resend/", follow=True)

    assert "A new link is on its way" in first.content.decode()
    assert "already on its way" in second.content.decode()
    assert verification_jobs(status="todo").count() == 1


def test_resend_is_limited_and_says_when_to_try_again(client, run_worker, smtp_server):
    user = User.objects.create_user("ada", "ada@example.com", PASSWORD)
    client.force_login(user)
    assert client.post("/accounts/verify/resend/").status_code == 302
    run_worker()

    response = client.post("/accounts/verify/resend/")

    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 60
    assert "ask for another verification email again in" in response.content.decode()
    assert verification_jobs().count() == 1
    assert len(smtp_server.sink.messages) == 1


def test_resend_needs_a_login_and_a_post(client, db):
    assert client.post("/accounts/verify/resend/")["Location"].startswith("/accounts/login/")
    user = User.objects.create_user("ada", "ada@example.com", PASSWORD)
    client.force_login(user)
    assert client.get("/accounts/verify/resend/").status_code == 405
