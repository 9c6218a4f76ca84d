"""Error pages people may meet: each says what happened and what to do next."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.views import defaults


def text(html: str) -> str:
    return " ".join(html.split())


@pytest.mark.parametrize(
    ("retry_after", "promise"),
    [(1, "try again in 1 second."), (45, "try again in 45 seconds."), (600, "about 10 minutes")],
)
def test_the_too_many_requests_page_says_when_to_try_again(rf, retry_after, promise):
    request = rf.get("/accounts/verification/resend/")
    request.user = AnonymousUser()

    html = render_to_string("429.html", {"retry_after": retry_after}, request=request)

    assert "Slow down a little" in html
    assert promise in text(html)


def test_the_server_error_page_renders_without_touching_the_database(rf):
    # Django renders 500.html with no request context, possibly while PostgreSQL is down.
    response = defaults.server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "css/site.css" in response.content.decode()


def test_the_forbidden_page_offers_a_visitor_to_log_in(rf):
    request = rf.get("/reports/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied("Only authors can do that."))

    html = text(response.content.decode())
    assert response.status_code == 403
    assert "Only authors can do that." in html
    assert "/accounts/login/?next=/reports/" in html
