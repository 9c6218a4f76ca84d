"""Signup latency with a slow SMTP server: the email through the queue, or sent in the request."""

import itertools
import re
from urllib.parse import urlencode

from django.urls import reverse

from bench import harness, queues, workload
from bench.workload import Sink

ORDER = 50
INTERLEAVED = True
SCENARIO = "User-visible: signup with a slow SMTP server"
QUEUED = "Quick Publisher (email queued)"
INLINE = "email sent in the request"
CLIENTS = 8
GUNICORN_WORKERS = 4
SMTP_DELAY = 0.5
HASHERS = {"": "PBKDF2 (product default)", ", cheap password hash": "md5"}
DESCRIPTION = f"""
{CLIENTS} clients sign up at once, again and again, against gunicorn ({GUNICORN_WORKERS} sync
workers) while the SMTP server takes {SMTP_DELAY * 1000:.0f} ms per message; the figure is the
signup POST's response time (the form page's GET, for the CSRF token, is not counted). Quick
Publisher commits the user and the verification job in one transaction and answers; a real worker
(started for the queued rounds only) sends the email meanwhile. The other variant is the seed
before Celery: the same product signup view, then `mail.sending.send()` of the verification email
inside the request (a benchmark-only URL module, bench/sync_signup.py). Rounds alternate the two
variants. The first pair hashes the password with the product's hasher (PBKDF2, 1,000,000
iterations: CPU work in the request that no queue removes, and on 2 shared cores with 8 clients it
dominates); the second pair, "cheap password hash", runs the same code with Django's MD5 hasher
(what test suites use) so the figure is the request path itself: the part the queue changes.
"""
TARGETS = [
    {
        "label": f"signup, 500 ms SMTP server: ≥ 20× faster at p50 than sending in the request{m}",
        "metric": f"p50{m}",
        "variant": INLINE,
        "field": "ratio",
        "op": ">=",
        "limit": 20.0,
    }
    for m in HASHERS
]
PASSWORD = "Correct-horse-battery-9"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_numbers = itertools.count()


def one_signup(port: int) -> float:
    """GET the form, then POST it as a new visitor; the POST's seconds."""
    path = reverse("accounts:signup")
    page = workload.request(port, "GET", path)
    cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
    name = f"bench{next(_numbers)}"
    form = {
        "email": f"{name}@bench.test",
        "username": name,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "csrfmiddlewaretoken": CSRF_INPUT.search(page.text).group(1),
    }
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    response = None

    def post() -> None:
        nonlocal response
        response = workload.request(port, "POST", path, body=urlencode(form), headers=headers)

    seconds = workload.timed(post)
    if response.status != 302:
        raise RuntimeError(f"signup answered {response.status}: {response.text[:300]}")
    return seconds


def latencies(port: int, *, each: int) -> list[float]:
    return workload.in_threads(CLIENTS, lambda _: [one_signup(port) for _ in range(each)])


def signups(variant: str, port: int, *, each: int, env: dict[str, str]) -> list[float]:
    """One round's latencies; a worker runs beside the queued variant only.

    Jobs still waiting afterwards are cancelled: the queued round's unsent emails (their requests
    are measured already) and the verification jobs the no-queue variant's signups also defer,
    which the seed never had, so no worker sends them during its rounds.
    """
    workers = []
    if variant == QUEUED:
        workers = workload.app_workers(queues_=["emails"], env=env, count=1)
    try:
        return latencies(port, each=each)
    finally:
        workload.stop_all(workers)
        queues.sql_value(
            "WITH cancelled AS (UPDATE procrastinate_jobs SET status = 'cancelled'"
            " WHERE status = 'todo' RETURNING 1) SELECT count(*) FROM cancelled"
        )


def measure(*, hasher: str, rounds: int, each: int, env: dict[str, str]) -> list[dict]:
    """Both variants' servers with one password hasher, measured in alternating rounds."""
    servers = []
    try:
        for variant in (QUEUED, INLINE):
            variant_env = {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench.signup_settings",
                "SIGNUP_PASSWORD_HASHER": HASHERS[hasher],
                "SIGNUP_SENDS_IN_REQUEST": "1" if variant == INLINE else "",
            }
            servers.append((variant, *workload.gunicorn(env=variant_env, workers=GUNICORN_WORKERS)))
        for _, _, port in servers:
            latencies(port, each=1)  # warm-up: each gunicorn worker's first request loads the app
        rows = []
        for rep in range(rounds):
            for variant, _, port in servers:
                seconds = signups(variant, port, each=each, env=env)
                baseline = {"baseline": QUEUED} if variant == INLINE else {}
                for q in (50, 99):
                    ms = workload.percentile(seconds, q) * 1000
                    rows.append(harness.row(SCENARIO, f"p{q}{hasher}", variant, ms, "ms", rep=rep,
                                            **baseline))  # fmt: skip
        return rows
    finally:
        workload.stop_all([server for _, server, _ in servers])


def run(*, quick: bool) -> list[dict]:
    each, rounds = (2, 1) if quick else (6, 3)
    sink = Sink(delay=SMTP_DELAY)
    env = {**sink.env, "ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR": "1000000"}
    try:
        return [
            row
            for hasher in HASHERS
            for row in measure(hasher=hasher, rounds=rounds, each=each, env=env)
        ]
    finally:
        sink.stop()
