"""Error pages people may meet: each says what happened and what to do next."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.views import defaults


def text(html: str) -> str:
    return " ".join(html.split())


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
