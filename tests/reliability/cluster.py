"""The fault suite's own PostgreSQL: an embedded server it may restart, pause and kill.

It never touches the database pytest uses (the embedded one of `make test`, or CI's system
PostgreSQL 15): faults need a server this process controls.
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg

BASE_DIR = Path(__file__).resolve().parents[2]
DATADIR = BASE_DIR / ".data" / "reliability" / "postgres"
DATABASE = "reliability"
# Everything the suite's tests create; Django's own bookkeeping tables stay.
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def _server_user() -> str | None:
    return "pgserver" if os.geteuid() == 0 else None


def _signal_all(processes: list[psutil.Process], signum: int) -> None:
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # a backend that just exited
            process.send_signal(signum)


class Cluster:
    def __init__(self, datadir: Path = DATADIR) -> None:
        self.datadir = datadir
        self.socket_dir = ""

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/{DATABASE}?host={quote(self.socket_dir, safe='')}"

    def start(self) -> None:
        warnings.filterwarnings("ignore", module="platformdirs")
        # pgserver logs every pg_ctl call at INFO, and again from atexit after pytest closed stderr.
        logging.getLogger("pgserver").setLevel(logging.WARNING)
        import pgserver

        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(self.datadir, cleanup_mode=None)
        self.socket_dir = server.get_postmaster_info().socket_dir.as_posix()
        admin = self.url.replace(f"/{DATABASE}?", "/postgres?")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')

    def migrate(self, environ: dict[str, str]) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR, env=environ, check=True, timeout=120,
        )  # fmt: skip

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.datadir, user=_server_user(), timeout=60)

    def stop(self, mode: str = "fast") -> None:
        if (self.datadir / "postmaster.pid").exists():
            self._pg_ctl("-w", "-m", mode, "stop")

    def start_again(self) -> None:
        log = str(self.datadir / "log")
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")

    def ensure_running(self) -> None:
        """Undo whatever fault a test left behind: resume a paused server, start a stopped one."""
        if (self.datadir / "postmaster.pid").exists():
            self.resume(self.processes())
        else:
            self.start_again()

    def processes(self) -> list[psutil.Process]:
        postmaster = psutil.Process(int((self.datadir / "postmaster.pid").read_text().split()[0]))
        return [postmaster, *postmaster.children(recursive=True)]

    def pause(self) -> list[psutil.Process]:
        paused = self.processes()
        _signal_all(paused, signal.SIGSTOP)
        return paused

    @staticmethod
    def resume(paused: list[psutil.Process]) -> None:
        _signal_all(paused, signal.SIGCONT)

    def sql(self, query: str, params: tuple | list = ()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def inject_commit_fault(self, table: str, *, times: int, transient: bool = True) -> None:
        """Make the next `times` transactions writing `table` fail at COMMIT, after all their work.

        A sequence counts the failures: unlike a table, it does not roll back with them.
        """
        code = "serialization_failure" if transient else "raise_exception"
        self.sql("CREATE SEQUENCE IF NOT EXISTS reliability_fault_count")
        self.sql(
            "CREATE OR REPLACE FUNCTION reliability_fault() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF nextval('reliability_fault_count') <= {int(times)} THEN"
            f" RAISE EXCEPTION 'injected fault at commit' USING ERRCODE = '{code}';"
            " END IF; RETURN NULL; END $$"
        )
        self.sql(
            f"CREATE CONSTRAINT TRIGGER reliability_fault AFTER INSERT OR UPDATE ON {table}"
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reliability_fault()"
        )

    def clear_faults(self) -> None:
        for (table,) in self.sql(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE trigger_name = 'reliability_fault'"
        ):
            self.sql(f"DROP TRIGGER reliability_fault ON {table}")
        self.sql("DROP FUNCTION IF EXISTS reliability_fault()")
        self.sql("DROP SEQUENCE IF EXISTS reliability_fault_count")

    def reset(self) -> None:
        """Empty every table the tests write to, Procrastinate's included."""
        self.clear_faults()
        tables = [
            name
            for (name,) in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            if name not in KEPT_TABLES
        ]
        self.sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        self.sql("DELETE FROM procrastinate_workers")
