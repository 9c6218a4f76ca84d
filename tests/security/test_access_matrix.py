"""Who may do what: every URL of the site and its actions × five kinds of visitor → a status.

Codes: 200/400/403/404/405 are the status; `login` is a 302 to a login page; `302` any other
redirect. `verified` owns the posts and the export in the cast; `other_author` is another verified
author (who follows `verified`); `staff` is an operator (is_staff and superuser).
Someone else's draft, edit page or export is a 404, not a 403: its existence is not revealed.
"""
# ruff: noqa: E501 (the matrix reads as a table, one row per line)

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.tokens import uidb64, verification_token
from tests.security.cast import ROLES, Cast, make_cast

Kwargs = Callable[[Cast], dict]
METRICS_TOKEN = "metrics-token-for-the-matrix"


def _none(cast: Cast) -> dict:
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: str  # one code per role, in ROLES order
    kwargs: Kwargs = _none
    data: dict | Callable[[Cast], dict] = field(default_factory=dict)
    label: str = ""
    headers: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return " ".join(part for part in (self.name, self.method, self.label) if part)

    def status_for(self, role: str) -> str:
        return self.expected.split()[ROLES.index(role)]


def draft(c: Cast) -> dict:
    return {"slug": c.draft.slug}


def published(c: Cast) -> dict:
    return {"slug": c.published.slug}


def owner(c: Cast) -> dict:
    return {"username": c.verified.username}


def run(c: Cast) -> dict:
    return {"pk": c.run.pk}


def verify_link(c: Cast) -> dict:
    return {"uidb64": uidb64(c.unverified), "token": verification_token.make_token(c.unverified)}


def reset_link(c: Cast) -> dict:
    return {"uidb64": uidb64(c.verified), "token": default_token_generator.make_token(c.verified)}


def _tamper(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("a" if token[middle] != "a" else "b") + token[middle + 1 :]


def tampered(link: Kwargs) -> Kwargs:
    return lambda c: {**link(c), "token": _tamper(link(c)["token"])}


def unsubscribe_link(c: Cast) -> dict:
    return {"token": c.unsubscribe_token}


def schedule(c: Cast) -> dict:
    at = timezone.localtime() + timedelta(days=1)
    return {"title": c.draft.title, "action": "schedule", "publish_at": f"{at:%Y-%m-%dT%H:%M}"}


def job(c: Cast) -> dict:
    return {"job_id": c.job_id}


def edit(action: str) -> dict:
    return {"title": "Ada draft", "body": "Edited.", "action": action}


# fmt: off
MATRIX = [
    #                                                           anonym unverif verified other staff
    # --- blog -------------------------------------------------------------------------------------
    Row("blog:post_list", "GET",                                "200   200   200   200   200"),
    Row("blog:post_detail", "GET",                              "200   200   200   200   200", published, label="published"),
    Row("blog:post_detail", "GET",                              "404   404   200   404   404", draft, label="draft"),
    Row("blog:post_detail", "GET",                              "404   404   404   404   404", lambda c: {"slug": "no-such-post"}, label="missing"),
    Row("blog:author_detail", "GET",                            "200   200   200   200   200", owner),
    Row("blog:author_detail", "GET",                            "404   404   404   404   404", lambda c: {"username": "nobody"}, label="missing"),
    Row("blog:dashboard", "GET",                                "login 200   200   200   200"),
    Row("blog:post_create", "GET",                              "login 200   200   200   200"),
    # An unverified writer gets the form back with "verify your address first".
    Row("blog:post_create", "POST",                             "login 200   302   302   302", data={"title": "New", "body": "Hi", "action": "publish"}, label="publish"),
    Row("blog:post_create", "POST",                             "login 302   302   302   302", data={"title": "New", "action": "save"}, label="draft"),
    Row("blog:post_edit", "GET",                                "login 404   200   404   404", draft),
    Row("blog:post_edit", "GET",                                "login 404   200   404   404", published, label="published"),
    Row("blog:post_edit", "POST",                               "login 404   302   404   404", draft, edit("save"), label="save"),
    Row("blog:post_edit", "POST",                               "login 404   200   404   404", draft, edit("preview"), label="preview"),
    Row("blog:post_edit", "POST",                               "login 404   302   404   404", draft, edit("publish"), label="publish"),
    Row("blog:post_edit", "POST",                               "login 404   302   404   404", draft, schedule, label="schedule"),
    Row("blog:post_edit", "POST",                               "login 404   302   404   404", draft, edit("unschedule"), label="unschedule"),
    Row("blog:post_delete", "GET",                              "login 404   200   404   404", draft),
    Row("blog:post_delete", "POST",                             "login 404   302   404   404", published),
    # Following yourself or while unverified is refused with a message on the author's page.
    Row("blog:follow", "POST",                                  "login 302   302   302   302", owner),
    Row("blog:follow", "GET",                                   "login 405   405   405   405", owner),
    Row("blog:unfollow", "POST",                                "login 302   302   302   302", owner),
    Row("blog:unfollow", "GET",                                 "login 405   405   405   405", owner),
    # Whoever holds the emailed link may use it; a mail scanner's GET changes nothing.
    Row("blog:unsubscribe", "GET",                              "200   200   200   200   200", unsubscribe_link),
    Row("blog:unsubscribe", "POST",                             "200   200   200   200   200", unsubscribe_link),
    Row("blog:unsubscribe", "GET",                              "400   400   400   400   400", tampered(unsubscribe_link), label="tampered"),
    Row("blog:unsubscribe", "POST",                             "400   400   400   400   400", tampered(unsubscribe_link), label="tampered"),
    # --- reports ----------------------------------------------------------------------------------
    Row("reports:index", "GET",                                 "login 200   200   200   200"),
    Row("reports:export_start", "POST",                         "login 302   302   302   302"),
    Row("reports:export_start", "GET",                          "login 405   405   405   405"),
    Row("reports:run_detail", "GET",                            "login 404   200   404   200", run),
    Row("reports:run_progress", "GET",                          "login 404   200   404   200", run),
    Row("reports:run_download", "GET",                          "login 404   200   404   200", run),
    Row("reports:run_cancel", "POST",                           "login 404   302   404   302", run),
    Row("reports:run_cancel", "GET",                            "login 405   405   405   405", run),
    Row("reports:run_retry", "POST",                            "login 404   302   404   302", run),
    Row("reports:run_retry", "GET",                             "login 405   405   405   405", run),
    Row("reports:daily_report_preference", "POST",              "login 302   302   302   302", data={"enabled": "off", "next": "https://evil.example/"}),
    Row("reports:daily_report_preference", "GET",               "login 405   405   405   405"),
    # --- accounts ---------------------------------------------------------------------------------
    Row("accounts:login", "GET",                                "200   200   200   200   200"),
    Row("accounts:login", "POST",                               "200   200   200   200   200", data={"username": "ada", "password": "wrong"}, label="wrong password"),
    Row("accounts:logout", "POST",                              "302   302   302   302   302"),
    Row("accounts:logout", "GET",                               "405   405   405   405   405"),
    Row("accounts:signup", "GET",                               "200   302   302   302   302"),
    Row("accounts:signup", "POST",                              "200   302   302   302   302", data={"username": "x"}, label="invalid"),
    Row("accounts:verification_sent", "GET",                    "login 200   302   302   302"),
    Row("accounts:resend_verification", "POST",                 "login 302   302   302   302"),
    Row("accounts:resend_verification", "GET",                  "login 405   405   405   405"),
    Row("accounts:verify", "GET",                               "200   200   200   200   200", verify_link),
    # Verified by a visitor who is not logged in: on to the login page.
    Row("accounts:verify", "POST",                              "login 302   302   302   302", verify_link),
    Row("accounts:verify", "GET",                               "400   400   400   400   400", tampered(verify_link), label="tampered"),
    Row("accounts:verify", "POST",                              "400   400   400   400   400", tampered(verify_link), label="tampered"),
    Row("accounts:account", "GET",                              "login 200   200   200   200"),
    Row("accounts:password_change", "GET",                      "login 200   200   200   200"),
    Row("accounts:password_change", "POST",                     "login 200   200   200   200", data={"old_password": "wrong"}, label="invalid"),
    Row("accounts:password_change_done", "GET",                 "login 200   200   200   200"),
    Row("accounts:password_reset", "GET",                       "200   200   200   200   200"),
    Row("accounts:password_reset", "POST",                      "302   302   302   302   302", data={"email": "ada@example.com"}),
    Row("accounts:password_reset_done", "GET",                  "200   200   200   200   200"),
    # A valid link hides its token behind a redirect; a tampered one shows "invalid link".
    Row("accounts:password_reset_confirm", "GET",               "302   302   302   302   302", reset_link),
    Row("accounts:password_reset_confirm", "GET",               "200   200   200   200   200", tampered(reset_link), label="tampered"),
    Row("accounts:password_reset_complete", "GET",              "200   200   200   200   200"),
    # --- operations -------------------------------------------------------------------------------
    Row("ops:health", "GET",                                    "200   200   200   200   200"),
    Row("ops:health", "POST",                                   "405   405   405   405   405"),
    # No worker runs during this test: 503 for everyone, and nothing more is said.
    Row("ops:health_worker", "GET",                             "503   503   503   503   503"),
    Row("ops:metrics", "GET",                                   "403   403   403   403   200"),
    Row("ops:metrics", "GET",                                   "200   200   200   200   200", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, label="bearer token"),
    Row("ops:metrics", "GET",                                   "403   403   403   403   200", headers={"Authorization": "Bearer guessed"}, label="wrong token"),
    Row("ops:overview", "GET",                                  "login login login login 200"),
    Row("ops:jobs", "GET",                                      "login login login login 200"),
    Row("ops:jobs", "GET",                                      "login login login login 200", data={"status": "nonsense", "age": "1y"}, label="bad filter"),
    Row("ops:bulk_action", "GET",                               "login login login login 200", lambda c: {"action": "cancel"}),
    Row("ops:bulk_action", "POST",                              "login login login login 302", lambda c: {"action": "cancel"}),
    Row("ops:bulk_action", "POST",                              "login login login login 404", lambda c: {"action": "explode"}, label="unknown action"),
    Row("ops:job_detail", "GET",                                "login login login login 200", job),
    Row("ops:job_detail", "GET",                                "login login login login 404", lambda c: {"job_id": 10**9}, label="missing"),
    Row("ops:job_action", "POST",                               "login login login login 302", lambda c: {"job_id": c.job_id, "action": "cancel"}),
    Row("ops:job_action", "GET",                                "login login login login 405", lambda c: {"job_id": c.job_id, "action": "cancel"}),
    Row("ops:job_action", "POST",                               "login login login login 404", lambda c: {"job_id": c.job_id, "action": "explode"}, label="unknown action"),
    Row("ops:workers", "GET",                                   "login login login login 200"),
    Row("ops:periodic", "GET",                                  "login login login login 200"),
    Row("ops:periodic_run", "POST",                             "login login login login 302", data={"key": "no-such-task"}),
    Row("ops:periodic_run", "GET",                              "login login login login 405"),
    Row("ops:queue_pause", "POST",                              "login login login login 302", data={"queue": "emails"}),
    Row("ops:queue_pause", "GET",                               "login login login login 405"),
    Row("ops:queue_resume", "POST",                             "login login login login 302", data={"queue": "emails"}),
    # --- the admin (its login is the site's throttled login) --------------------------------------
    Row("admin:login", "GET",                                   "login login login login login"),
    Row("admin:index", "GET",                                   "login login login login 200"),
    Row("admin:accounts_user_changelist", "GET",                "login login login login 200"),
    Row("admin:accounts_user_change", "GET",                    "login login login login 200", lambda c: {"object_id": c.verified.pk}),
    Row("admin:blog_post_changelist", "GET",                    "login login login login 200"),
    Row("admin:reports_reportrun_changelist", "GET",            "login login login login 200"),
    Row("admin:procrastinate_procrastinatejob_changelist", "GET", "login login login login 200"),
]
# fmt: on

# Named URLs the matrix need not list, each with the reason.
NOT_IN_MATRIX = {
    # Django's admin: hundreds of generated views behind one staff gate (admin_view), which the
    # admin rows above check on its index and the changelists that hold our data.
    "admin:",
}


# URL patterns without a name (so without a row), each with the reason.
UNNAMED = {
    "admin/login/": "redirects to accounts:login: tests/security/test_login_throttling.py",
    r"^media/(?P<path>covers/.+)$": "cover images, public like the posts that show them",
}


def _urls(patterns, namespace: str = "", prefix: str = "") -> tuple[set[str], set[str]]:
    """(namespaced names, unnamed routes) of the urlconf."""
    names, unnamed = set(), set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            more_names, more_unnamed = _urls(pattern.url_patterns, inner, route)
            names, unnamed = names | more_names, unnamed | more_unnamed
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
        elif not namespace.startswith(tuple(NOT_IN_MATRIX)):
            unnamed.add(route)
    return names, unnamed


def test_the_matrix_lists_every_named_url_of_the_site():
    site = _urls(get_resolver().url_patterns)[0]
    listed = {row.name for row in MATRIX}

    forgotten = {name for name in site - listed if not name.startswith(tuple(NOT_IN_MATRIX))}

    assert forgotten == set()
    assert listed - site == set()
    assert all(len(row.expected.split()) == len(ROLES) for row in MATRIX)


def _request(client, row: Row, cast: Cast):
    url = reverse(row.name, kwargs=row.kwargs(cast))
    data = row.data(cast) if callable(row.data) else row.data
    if row.method == "POST":
        return client.post(url, data, headers=row.headers)
    return client.get(url, data, headers=row.headers)


def _login_pages() -> tuple[str, ...]:
    return (reverse("accounts:login"), reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_access(client, settings, tmp_path, row: Row, role: str):
    settings.MEDIA_ROOT = tmp_path
    settings.METRICS_TOKEN = METRICS_TOKEN
    cast = make_cast()
    if user := cast.user(role):
        client.force_login(user)

    response = _request(client, row, cast)
    if response.streaming:
        b"".join(response.streaming_content)  # closes the file

    expected = row.status_for(role)
    if expected == "login":
        assert (response.status_code, response.url.startswith(_login_pages())) == (302, True)
    else:
        assert response.status_code == int(expected)
        if expected == "302":
            assert not response.url.startswith(_login_pages())


def test_the_unnamed_routes_are_the_ones_listed():
    assert _urls(get_resolver().url_patterns)[1] == UNNAMED.keys()


@pytest.mark.django_db
def test_an_export_file_is_never_served_as_media_even_to_its_owner(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast = make_cast()
    client.force_login(cast.verified)

    response = client.get(f"/{settings.MEDIA_URL.strip('/')}/{cast.run.result.name}")

    assert response.status_code == 404
