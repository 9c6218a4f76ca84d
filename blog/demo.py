"""Demo content for `make run`: two authors with posts and a reader who follows one of them."""

from django.utils import timezone

from accounts.models import User
from blog.models import Follow, Post
from blog.rendering import render_markdown

# Demo accounts on a development database only; `make run` prints them.
PASSWORD = "quick-publisher-demo"  # noqa: S105
POSTS = {
    "ada": [
        ("Notes on the analytical engine", "The engine **weaves algebraic patterns**."),
        ("Why jobs belong in the database", "One commit for the row *and* its job."),
    ],
    "grace": [("Finding the first bug", "It was a *moth*, taped into the log book.")],
}


def seed(*, site: str) -> list[str]:
    authors = {name: _user(name) for name in POSTS}
    for name, posts in POSTS.items():
        for title, body in posts:
            _post(authors[name], title, body)
    reader = _user("linus")
    Follow.start(follower=reader, author=authors["ada"])
    return [
        f"demo authors: {site}/accounts/login/ as ada or grace / {PASSWORD}",
        f"demo reader (follows ada): linus / {PASSWORD}",
    ]


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username, f"{username}@example.com", PASSWORD, email_verified_at=timezone.now()
        )
    return user


def _post(author: User, title: str, body: str) -> None:
    if not Post.objects.filter(author=author, title=title).exists():
        Post.objects.create(
            author=author,
            title=title,
            body=body,
            body_html=render_markdown(body),
            status=Post.Status.PUBLISHED,
            published_at=timezone.now(),
        )
