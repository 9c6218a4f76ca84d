"""Product actions run against the suite's own PostgreSQL: `python -m tests.reliability.scenario`.

The test process keeps Django pointed at pytest's database; these commands run in a subprocess
with DATABASE_URL set to the fault suite's server and print the ids they created as JSON.
"""

import argparse
import datetime
import json
import sys
import time

import django


def signups(*, prefix: str, count: int) -> list[int]:
    from accounts.signup import signup

    users = [
        signup(username=f"{prefix}{n}", email=f"{prefix}{n}@example.com", password="x" * 20)
        for n in range(count)
    ]
    return [user.pk for user in users]


def slow_welcomes(*, prefix: str, count: int, seconds: float) -> list[int]:
    from django.db import transaction

    from accounts.models import User
    from tests.reliability.tasks import slow_welcome

    ids = []
    for n in range(count):
        with transaction.atomic():
            user = User.objects.create_user(f"{prefix}{n}", f"{prefix}{n}@example.com")
            slow_welcome.defer(user_id=user.pk, seconds=seconds)
        ids.append(user.pk)
    return ids


def poison(*, count: int) -> list[int]:
    from tests.reliability.tasks import poison as poison_task

    return [poison_task.defer(marker=n) for n in range(count)]


def authors(*, prefix: str, count: int) -> list[int]:
    from django.utils import timezone

    from accounts.models import User
    from blog.models import Post

    ids = []
    for n in range(count):
        author = User.objects.create_user(
            f"{prefix}{n}", f"{prefix}{n}@example.com", email_verified_at=timezone.now()
        )
        Post.objects.create(
            author=author, title=f"Post by {prefix}{n}", status=Post.Status.PUBLISHED,
            published_at=timezone.now(),
        )  # fmt: skip
        ids.append(author.pk)
    return ids


def scheduled_post(*, followers: int, delay: float) -> list[int]:
    """An author with followers and a post due in `delay` seconds; [post id, follower ids…]."""
    from django.utils import timezone

    from accounts.models import User
    from blog.models import Follow, Post

    author = User.objects.create_user(
        "author", "author@example.com", email_verified_at=timezone.now()
    )
    readers = [
        User.objects.create_user(f"reader{n}", f"reader{n}@example.com") for n in range(followers)
    ]
    for reader in readers:
        Follow.start(follower=reader, author=author)
    post = Post.objects.create(author=author, title="Fault-tolerant publishing", body="Body")
    post.schedule(at=timezone.now() + datetime.timedelta(seconds=delay))
    return [post.pk, *(reader.pk for reader in readers)]


def rescue_loop(*, interval: float) -> None:
    """The ops periodic rescue, on a test-sized period instead of once a minute."""
    from django.db import DatabaseError, connection

    from ops.maintenance import rescue_stalled_jobs

    while True:
        try:
            rescue_stalled_jobs()
        except DatabaseError:
            connection.close()  # the database is restarting: like the periodic job, try again
        time.sleep(interval)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--prefix", default="user")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    django.setup()
    from django.conf import settings

    # Fast hashing: the suite is about the queue, not about PBKDF2's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    commands = {
        "signups": lambda: signups(prefix=args.prefix, count=args.count),
        "slow-welcomes": lambda: slow_welcomes(
            prefix=args.prefix, count=args.count, seconds=args.seconds
        ),
        "poison": lambda: poison(count=args.count),
        "authors": lambda: authors(prefix=args.prefix, count=args.count),
        "scheduled-post": lambda: scheduled_post(followers=args.count, delay=args.seconds),
        "rescue-loop": lambda: rescue_loop(interval=args.seconds),
    }
    print(json.dumps(commands[args.command]()))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    main(sys.argv[1:])
