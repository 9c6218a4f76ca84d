"""A small cast for the blog tests: verified and unverified people, and posts in each state."""

import pytest
from django.utils import timezone

from accounts.models import User
from blog.models import Post
from blog.rendering import render_markdown


def make_user(username: str, *, verified: bool = True) -> User:
    return User.objects.create_user(
        username,
        f"{username}@example.com",
        "correct horse battery",
        email_verified_at=timezone.now() if verified else None,
    )


def make_post(author: User, title: str = "Hello", *, status: str = "published", body: str = ""):
    return Post.objects.create(
        author=author,
        title=title,
        body=body,
        body_html=render_markdown(body),
        status=status,
        published_at=timezone.now() if status == Post.Status.PUBLISHED else None,
    )


@pytest.fixture
def author(db) -> User:
    return make_user("ada")


@pytest.fixture
def reader(db) -> User:
    return make_user("linus")


@pytest.fixture
def unverified(db) -> User:
    return make_user("newbie", verified=False)


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client
