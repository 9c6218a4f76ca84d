"""The database bootstrap behind `make run`, `make test` and `make worker`.

    python -m project.devdb run -- COMMAND...   run COMMAND with a reachable DATABASE_URL
    python -m project.devdb start | stop | url

Without DATABASE_URL it starts an embedded PostgreSQL 16 (the `pgserver` package) with its data
in .data/postgres, creates the database, and stops the server when the last command using it
ends. With DATABASE_URL it only checks that the server answers, and says so in one line if not.
"""

import os
import signal
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import psycopg

from project import dburl

BASE_DIR = Path(__file__).resolve().parent.parent
DATADIR = dburl.embedded_datadir(BASE_DIR)
USERS_DIR = BASE_DIR / ".data" / "users"


def _say(message: str) -> None:
    print(f"[devdb] {message}", file=sys.stderr, flush=True)


def _server_user() -> str | None:
    return "pgserver" if os.geteuid() == 0 else None


def _warn_about_widened_parents() -> None:
    """As root, pgserver gives its own system user traversal rights on every parent folder."""
    if os.geteuid() != 0:
        return
    closed = [p for p in DATADIR.parents if not p.stat().st_mode & stat.S_IXOTH]
    if closed:
        names = ", ".join(str(p) for p in closed)
        _say(f"running as root: pgserver will add o+rx to {names} so its 'pgserver' user can reach")
        _say("the data folder. Clone the project under a world-traversable path to avoid that.")


def start() -> str:
    """Start (or reuse) the embedded server and make sure the database exists."""
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    DATADIR.parent.mkdir(parents=True, exist_ok=True)
    if not (DATADIR / "PG_VERSION").exists():
        _warn_about_widened_parents()
        _say(f"creating an embedded PostgreSQL in {DATADIR} (first run only)")
    pgserver.get_server(DATADIR, cleanup_mode=None)
    url = dburl.embedded_url(BASE_DIR)
    admin_url = url.replace(f"/{dburl.EMBEDDED_DATABASE}?", "/postgres?")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [dburl.EMBEDDED_DATABASE]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dburl.EMBEDDED_DATABASE}"')
    return url


def stop() -> None:
    from pgserver._commands import pg_ctl

    if (DATADIR / "postmaster.pid").exists():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATADIR, user=_server_user())
        _say("embedded PostgreSQL stopped")


def check(url: str) -> bool:
    """One clear line, never a traceback or the password, when the server does not answer."""
    try:
        dburl.parse(url)
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except ValueError as exc:
        _say(f"DATABASE_URL is malformed: {exc}")
        return False
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        _say(f"cannot reach PostgreSQL at {dburl.describe(url)}: {reason}")
        return False
    return True


def _live_users() -> list[Path]:
    live = []
    for marker in USERS_DIR.glob("*"):
        try:
            os.kill(int(marker.name), 0)
            live.append(marker)
        except (ValueError, ProcessLookupError):
            marker.unlink(missing_ok=True)
        except PermissionError:
            live.append(marker)
    return live


def _run_child(command: list[str], environ: dict[str, str]) -> int:
    child = subprocess.Popen(command, env=environ)
    # Ctrl-C reaches the child through the terminal's process group; SIGTERM is forwarded.
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


def run(command: list[str]) -> int:
    environ = dict(os.environ)
    if environ.get("DATABASE_URL"):
        if not check(environ["DATABASE_URL"]):
            return 2
        return _run_child(command, environ)

    USERS_DIR.mkdir(parents=True, exist_ok=True)
    marker = USERS_DIR / str(os.getpid())
    marker.touch()
    try:
        environ["DATABASE_URL"] = start()
        return _run_child(command, environ)
    finally:
        marker.unlink(missing_ok=True)
        if not _live_users():
            stop()


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"]:
        command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        return run(command)
    if argv == ["start"]:
        print(start())
        return 0
    if argv == ["stop"]:
        stop()
        return 0
    if argv == ["url"]:
        print(os.environ.get("DATABASE_URL") or dburl.embedded_url(BASE_DIR))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
