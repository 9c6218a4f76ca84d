"""Helpers for the account tests."""

import re
from urllib.parse import urlsplit

PASSWORD = "correct horse battery staple"


def sign_up(client, *, email: str = "ada@example.com", username: str = "ada", **extra):
    data = {"email": email, "username": username, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data, **extra)


def link_in(message, pattern: str) -> str:
    """The path of the first link in the text part matching `pattern` (e.g. "/accounts/verify/")."""
    body = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://\S*{re.escape(pattern)}\S*", body)
    assert match, f"no {pattern} link in:\n{body}"
    return urlsplit(match.group(0)).path
