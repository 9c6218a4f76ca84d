"""Emailed tokens are refused when tampered, expired, reused, crossed between people or purposes.

tests/accounts/test_verification_links.py covers verification links (tampered, expired, used,
outdated address) and tests/blog/test_follows.py a tampered unsubscribe link; these fill the gaps.
Unsubscribe links do not expire on purpose: a years-old newsletter must still let people leave.
"""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.tokens import uidb64, verification_token
from blog.models import Follow
from blog.notifications import UNSUBSCRIBE_SALT
from tests.security.cast import make_user

NEW_PASSWORD = "an entirely new passphrase"
INVALID_RESET = "This link no longer works"


@pytest.fixture
def ada(db):
    return make_user("ada", verified=False)


def reset_link(user, token: str | None = None) -> str:
    token = token or default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", args=[uidb64(user), token])


def verify_link(user, token: str | None = None) -> str:
    token = token or verification_token.make_token(user)
    return reverse("accounts:verify", args=[uidb64(user), token])


def _set_password_through(link: str) -> int:
    client = Client()
    form = client.get(link, follow=True)
    assert "new_password1" in form.content.decode()
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(form.redirect_chain[-1][0], data).status_code


def test_a_reset_link_works_once(ada):
    link = reset_link(ada)

    assert _set_password_through(link) == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)
    assert INVALID_RESET in Client().get(link, follow=True).content.decode()


def test_a_tampered_reset_link_is_refused(ada):
    token = default_token_generator.make_token(ada)
    tampered = token[:-2] + ("00" if not token.endswith("00") else "11")

    page = Client().get(reset_link(ada, tampered), follow=True).content.decode()

    assert INVALID_RESET in page


def test_an_expired_reset_link_is_refused(ada, settings):
    old = PasswordResetTokenGenerator()
    old._now = lambda: datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    page = Client().get(reset_link(ada, old.make_token(ada)), follow=True).content.decode()

    assert INVALID_RESET in page


def test_a_reset_link_for_one_person_does_not_open_another_account(ada):
    grace = make_user("grace")
    link = reverse(
        "accounts:password_reset_confirm",
        args=[uidb64(grace), default_token_generator.make_token(ada)],
    )

    assert INVALID_RESET in Client().get(link, follow=True).content.decode()


def test_a_verification_token_is_no_reset_token_and_the_other_way_round(ada):
    assert (
        INVALID_RESET
        in Client()
        .get(reset_link(ada, verification_token.make_token(ada)), follow=True)
        .content.decode()
    )

    response = Client().post(verify_link(ada, default_token_generator.make_token(ada)))

    assert response.status_code == 400
    ada.refresh_from_db()
    assert not ada.is_verified


def test_a_verification_link_for_one_person_does_not_verify_another(ada):
    grace = make_user("grace", verified=False)
    link = reverse("accounts:verify", args=[uidb64(grace), verification_token.make_token(ada)])

    assert Client().post(link).status_code == 400
    grace.refresh_from_db()
    assert not grace.is_verified


@pytest.mark.parametrize(
    ("uid", "token"), [("!!", "x"), ("MTIz" * 30, "1-2"), ("AA", "z" * 15 + "-abc"), ("AA", "-")]
)
def test_garbage_in_a_link_is_a_clear_refusal_never_a_500(ada, uid, token):
    assert Client().get(f"/accounts/verify/{uid}/{token}/").status_code == 400
    page = Client().get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    assert INVALID_RESET in page.content.decode()
    assert Client().get(f"/unsubscribe/{uid}{token}/").status_code == 400


def _unsubscribe_link(ids: list[int], **dumps) -> str:
    return reverse("blog:unsubscribe", args=[signing.dumps(ids, **dumps)])


def test_an_unsubscribe_link_signed_for_another_purpose_is_refused(ada):
    grace = make_user("grace")
    Follow.objects.create(follower=grace, author=ada)

    for link in (
        _unsubscribe_link([grace.pk, ada.pk]),  # Django's default salt
        _unsubscribe_link([grace.pk, ada.pk], salt="another.purpose", compress=True),
        _unsubscribe_link([grace.pk, ada.pk], salt=UNSUBSCRIBE_SALT, key="not-our-secret-key"),
    ):
        assert Client().post(link).status_code == 400
    assert Follow.objects.filter(follower=grace, author=ada).exists()


def test_a_reused_unsubscribe_link_is_harmless(ada):
    grace, linus = make_user("grace"), make_user("linus")
    Follow.objects.create(follower=grace, author=ada)
    Follow.objects.create(follower=grace, author=linus)
    link = _unsubscribe_link([grace.pk, ada.pk], salt=UNSUBSCRIBE_SALT, compress=True)

    assert Client().post(link).status_code == 200
    assert Client().post(link).status_code == 200

    assert list(Follow.objects.values_list("follower", "author")) == [(grace.pk, linus.pk)]
