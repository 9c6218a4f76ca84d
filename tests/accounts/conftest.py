"""Account tests: every job they create carries user ids only, never an address or a token."""

import re
from urllib.parse import urlsplit

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def jobs_carry_ids_only(db):
    yield
    for job in ProcrastinateJob.objects.filter(task_name__startswith="accounts."):
        if not all(key.endswith("_id") and type(v) is int for key, v in job.args.items()):
            pytest.fail(f"job #{job.id} {job.task_name} carries more than ids: {job.args}")


def sign_up(client, *, email: str = "ada@example.com", username: str = "ada", **extra):
    data = {"email": email, "username": username, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data, **extra)


def link_in(message, pattern: str) -> str:
    """The path of the first link in the text part matching `pattern` (e.g. "/accounts/verify/")."""
    body = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://\S*{re.escape(pattern)}\S*", body)
    assert match, f"no {pattern} link in:\n{body}"
    return urlsplit(match.group(0)).path
