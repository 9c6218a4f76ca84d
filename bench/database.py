"""The benchmark's own database, created beside DATABASE_URL's on the same server, then dropped."""

import os
import subprocess
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench import processes
from project import dburl


def sibling_url(url: str, suffix: str = "_bench") -> str:
    parts = urlsplit(url)
    name = dburl.parse(url)["NAME"]
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def _admin(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def create(url: str) -> str:
    """A fresh, migrated database on `url`'s server; returns its URL."""
    bench_url = sibling_url(url)
    name = dburl.parse(bench_url)["NAME"]
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(url, f'CREATE DATABASE "{name}"')
    subprocess.run(
        processes.python("manage.py", "migrate", "--noinput", "-v", "0"),
        cwd=processes.BASE_DIR,
        env={**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        check=True,
    )
    return bench_url


def drop(url: str) -> None:
    name = dburl.parse(sibling_url(url))["NAME"]
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def libpq_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for libpq tools (pgbench) reaching `url`."""
    params = dburl.parse(url)
    args = ["-h", params["HOST"] or "localhost", "-U", params["USER"] or "postgres"]
    if params["PORT"]:
        args += ["-p", params["PORT"]]
    env = {"PGPASSWORD": params["PASSWORD"]} if params["PASSWORD"] else {}
    return [*args, params["NAME"]], env
