"""The people and things every security test acts on, made without password hashing (fast)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from blog.models import Follow, Post
from blog.notifications import unsubscribe_url
from reports.models import ReportRun
from reports.tasks import export_stats

ROLES = ("anonymous", "unverified", "verified", "other_author", "staff")


def make_user(username: str, *, verified: bool = True, staff: bool = False, **fields) -> User:
    return User.objects.create(
        username=username,
        email=fields.pop("email", f"{username}@example.com"),
        email_verified_at=timezone.now() if verified else None,
        is_staff=staff,
        is_superuser=staff,
        **fields,
    )


def make_post(author: User, title: str, *, published: bool = True) -> Post:
    status = Post.Status.PUBLISHED if published else Post.Status.DRAFT
    return Post.objects.create(
        author=author,
        title=title,
        status=status,
        published_at=timezone.now() if published else None,
    )


@dataclass
class Cast:
    """`verified` owns the posts and the export; `other_author` writes and follows them."""

    unverified: User
    verified: User
    other_author: User
    staff: User
    published: Post
    draft: Post
    run: ReportRun
    job_id: int
    unsubscribe_token: str

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def make_cast() -> Cast:
    owner = make_user("ada")
    other = make_user("grace")
    make_post(other, "Grace writes")
    run = ReportRun.objects.create(author=owner, status=ReportRun.Status.SUCCEEDED, progress=100)
    run.result.save("stats.csv", ContentFile(b"post,views\n"))
    Follow.objects.create(follower=other, author=owner)
    link = unsubscribe_url(follower_id=other.pk, author_id=owner.pk)
    return Cast(
        unverified=make_user("newbie", verified=False),
        verified=owner,
        other_author=other,
        staff=make_user("root", staff=True),
        published=make_post(owner, "Ada published"),
        draft=make_post(owner, "Ada draft", published=False),
        run=run,
        job_id=export_stats.defer(run_id=run.pk),
        unsubscribe_token=urlsplit(link).path.rstrip("/").rsplit("/", 1)[1],
    )
