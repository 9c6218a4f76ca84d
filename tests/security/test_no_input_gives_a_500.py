"""Property-based: whatever a browser or a script posts to the signup, post, export and login
forms, the answer is a page or a redirect, never a 500 (the test client re-raises any error)."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blog.forms import PostForm
from tests.security.cast import make_post, make_user

# Every character but surrogates (which no browser can send), NUL and controls included.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
LONG_TEXT = st.one_of(TEXT, st.text(max_size=3000), st.just("x" * 100_001))
FIELD_VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=3))
EXTRA_FIELDS = st.dictionaries(st.text(min_size=1, max_size=20), FIELD_VALUE, max_size=3)

FUZZ = settings(
    max_examples=40,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR = 10_000


def _same_site(location: str) -> bool:
    parts = urlsplit(location)
    return not parts.scheme and not parts.netloc and location.startswith("/")


@pytest.mark.django_db
@FUZZ
@given(
    email=st.one_of(st.emails(), TEXT),
    username=TEXT,
    password1=TEXT,
    password2=TEXT,
    extra=EXTRA_FIELDS,
)
def test_no_signup_input_gives_a_500(fast, email, username, password1, password2, extra):
    data = {**extra, "email": email, "username": username}
    data |= {"password1": password1, "password2": password2}

    response = Client().post(reverse("accounts:signup"), data)

    assert response.status_code in (200, 302)


@pytest.mark.django_db
@FUZZ
@given(username=TEXT, password=TEXT, extra=EXTRA_FIELDS)
@example(username="\x00", password="", extra={})  # found by this test: the throttle's key
def test_no_login_input_gives_a_500(fast, username, password, extra):
    data = {**extra, "username": username, "password": password}

    response = Client().post(reverse("accounts:login"), data)

    assert response.status_code in (200, 429)


@pytest.fixture
def author(db, fast):
    return make_user("ada")


@pytest.fixture
def author_client(author):
    client = Client()
    client.force_login(author)
    return client


@pytest.mark.django_db
@FUZZ
@given(
    title=TEXT,
    body=LONG_TEXT,
    action=st.one_of(st.sampled_from(PostForm.ACTIONS), TEXT),
    publish_at=st.one_of(st.datetimes().map(lambda at: f"{at:%Y-%m-%dT%H:%M}"), TEXT),
    extra=EXTRA_FIELDS,
)
def test_no_post_editor_input_gives_a_500(
    author, author_client, title, body, action, publish_at, extra
):
    data = {**extra, "title": title, "body": body, "action": action, "publish_at": publish_at}
    draft = make_post(author, "Draft", published=False)

    created = author_client.post(reverse("blog:post_create"), data)
    edited = author_client.post(reverse("blog:post_edit", args=[draft.slug]), data)

    assert created.status_code in (200, 302)
    assert edited.status_code in (200, 302)


def test_the_fifty_second_post_with_one_title_still_gets_its_own_page(author, author_client):
    for _ in range(52):
        response = author_client.post(reverse("blog:post_create"), {"title": "Hello"})
        assert response.status_code == 302

    assert author.posts.values("slug").distinct().count() == 52
    assert author_client.get(response.url).status_code == 200


@pytest.mark.django_db
@FUZZ
@given(
    enabled=FIELD_VALUE,
    next_url=st.one_of(TEXT, st.sampled_from(["//evil.example/", "https://evil.example/x"])),
    extra=EXTRA_FIELDS,
)
def test_no_export_or_report_preference_input_gives_a_500_or_leaves_the_site(
    author_client, enabled, next_url, extra
):
    preference = author_client.post(
        reverse("reports:daily_report_preference"), {**extra, "enabled": enabled, "next": next_url}
    )
    export = author_client.post(reverse("reports:export_start"), extra)

    assert preference.status_code == 302
    assert _same_site(preference.url)
    assert export.status_code == 302
    assert author_client.get(export.url).status_code == 200
