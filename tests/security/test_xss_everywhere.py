"""The XSS corpus through everything a person names: usernames and post titles, on every page
that shows them and in the HTML part of every email.

Each page and email is rendered twice, for people and posts named with a payload and for plainly
named ones: the script-capable markup found must be the same (our own forms and inline email
styles), so nothing a person typed became markup. Usernames come from the signup form, whose
validator allows letters, digits and @.+-_ only; these tests write them straight into the database
to prove the templates escape them anyway. A username cannot contain "/" (the author URL refuses
it), so it is removed from the payload: every opening tag and attribute is still there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.emails import send_password_reset_email, send_verification_email, send_welcome_email
from accounts.models import User
from blog.models import Follow, Post
from blog.notifications import notify_followers
from reports.daily import send_daily_report
from reports.models import ReportRun
from tests.security.cast import make_post, make_user
from tests.xss import PAYLOADS, dangers


@dataclass
class Named:
    author: User
    follower: User
    post: Post
    run: ReportRun


def _named(name: str, prefix: str) -> Named:
    """An unverified author and a follower called `name`, a post and a draft titled with it."""
    author = make_user(name.replace("/", "")[:150], email=f"{prefix}-author@example.com")
    author.email_verified_at = None
    author.save()
    follower = make_user(f"{prefix}!" + name.replace("/", "")[:140], email=f"{prefix}@example.com")
    Follow.objects.create(follower=follower, author=author)
    post = make_post(author, f"Title {name}"[:200])
    make_post(author, name[:200], published=False)
    run = ReportRun.objects.create(author=author, status=ReportRun.Status.FAILED, error=name)
    return Named(author, follower, post, run)


PAGES: dict[str, Callable[[Named], str]] = {
    "post list": lambda n: reverse("blog:post_list"),
    "post": lambda n: n.post.get_absolute_url(),
    "author": lambda n: reverse("blog:author_detail", args=[n.author.username]),
    "dashboard": lambda n: reverse("blog:dashboard"),
    "editor": lambda n: reverse("blog:post_edit", args=[n.post.slug]),
    "account": lambda n: reverse("accounts:account"),
    "reports": lambda n: reverse("reports:index"),
    "export": lambda n: n.run.get_absolute_url(),
}


def _pages(named: Named, *, signed_in: bool) -> dict[str, list[str]]:
    client = Client()
    if signed_in:
        client.force_login(named.author)
    found = {}
    for page, url in PAGES.items():
        response = client.get(url(named))
        if response.status_code == 200:
            found[page] = dangers(response.content.decode(), after="<body")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_names_and_titles_are_inert_on_every_page_that_shows_them(payload):
    named, plain = _named(payload, "p"), _named("Plain name", "q")

    for signed_in in (False, True):
        expected = _pages(plain, signed_in=signed_in)
        assert _pages(named, signed_in=signed_in) == expected
    assert len(expected) == len(PAGES)


def _emails(named: Named) -> list[str]:
    mail.outbox = []
    send_verification_email(user_id=named.author.pk, job_id=1)
    send_welcome_email(user_id=named.author.pk)
    send_password_reset_email(user_id=named.author.pk, job_id=1)
    notify_followers(post_id=named.post.pk, follower_ids=[named.follower.pk])
    send_daily_report(author_id=named.author.pk, day=timezone.localdate() + timedelta(days=1))
    htmls = []
    for message in mail.outbox:
        (html, mimetype), *_ = message.alternatives
        assert mimetype == "text/html"
        htmls.append(html)
    return htmls


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_names_and_titles_are_escaped_in_the_html_part_of_every_email(payload, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    named, plain = _named(payload, "p"), _named("Plain name", "q")

    htmls, plain_htmls = _emails(named), _emails(plain)

    assert len(htmls) == 5
    for html, plain_html in zip(htmls, plain_htmls, strict=True):
        assert dangers(html, after="") == dangers(plain_html, after="")
    *account_emails, new_post, daily_report = htmls
    for html in account_emails:
        assert escape(named.author.username) in html
    assert escape(named.follower.username) in new_post
    assert escape(named.post.title) in new_post
    assert escape(named.post.title) in daily_report
