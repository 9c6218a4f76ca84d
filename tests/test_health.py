from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.fixture
def database_down():
    failure = OperationalError("connection to server failed: server closed the connection")
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=failure
    ):
        yield


def test_health_answers_200_when_the_database_answers(client, db):
    response = client.get(reverse("ops:health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_not_a_traceback_when_the_database_is_down(client, db, database_down):
    response = client.get(reverse("ops:health"))

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_pages_answer_503_with_a_friendly_page_while_the_database_is_down(
    client, django_user_model, database_down
):
    client.cookies["sessionid"] = "a-session-that-needs-the-database"

    response = client.get(reverse("blog:post_list"))

    assert response.status_code == 503
    assert b"Back in a moment" in response.content
    assert response["Retry-After"] == "5"
