"""PostgreSQL's own limit on this machine: pgbench against the server the benchmark uses."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.db import connection

from bench import database

ORDER = 10
INTERLEAVED = True
SCENARIO = "PostgreSQL limit (pgbench)"
DESCRIPTION = """
What the database alone does for the statements a queue needs, with pgbench's own C client:
a single-row INSERT (enqueue), and claiming the oldest due row with `FOR UPDATE SKIP LOCKED` then
marking it done (one job through a worker), each as its own transaction. A queue on this server
cannot beat these numbers; the queue-core tables read as a fraction of them.
"""

PGBENCH_PATHS = (
    Path(__file__).resolve().parent.parent
    / ".venv/lib/python3.11/site-packages/pgserver/pginstall/bin/pgbench",
    Path("/usr/lib/postgresql/15/bin/pgbench"),
)
SCRIPTS = {
    "single-row INSERT": """
INSERT INTO bench_pg_jobs (queue, args) VALUES ('bench', '{}');
""",
    "claim + finish": """
UPDATE bench_pg_jobs SET status = 'doing' WHERE id = (
    SELECT id FROM bench_pg_jobs WHERE status = 'todo' AND queue = 'bench'
    ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1
) RETURNING id AS job_id \\gset
UPDATE bench_pg_jobs SET status = 'done' WHERE id = :job_id;
""",
}


def pgbench_binary() -> str | None:
    found = next((str(p) for p in PGBENCH_PATHS if p.exists()), None)
    return found or shutil.which("pgbench")


def _prepare(rows: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_pg_jobs;"
            " CREATE TABLE bench_pg_jobs (id bigserial PRIMARY KEY, queue text NOT NULL,"
            " args jsonb NOT NULL, status text NOT NULL DEFAULT 'todo');"
            " CREATE INDEX ON bench_pg_jobs (queue, id) WHERE status = 'todo';"
        )
        cursor.execute(
            "INSERT INTO bench_pg_jobs (queue, args)"
            " SELECT 'bench', '{}' FROM generate_series(1, %s)",
            [rows],
        )
        cursor.execute("VACUUM ANALYZE bench_pg_jobs")


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM bench_pg_jobs")


def _pgbench(binary: str, script: Path, *, clients: int, seconds: int) -> float:
    target, env = database.libpq_args(os.environ["DATABASE_URL"])
    command = [
        binary,
        "-n",
        "-f",
        str(script),
        "-c",
        str(clients),
        "-j",
        str(min(clients, 2)),
        "-T",
        str(seconds),
        *target,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{result.stdout}\n{result.stderr}")
    return float(match.group(1))


def run(*, quick: bool) -> list[dict]:
    binary = pgbench_binary()
    if not binary:
        return [
            {
                "scenario": SCENARIO,
                "metric": "pgbench",
                "value": None,
                "unit": "",
                "note": "skipped: no pgbench binary",
            }
        ]
    seconds, rounds = (2, 1) if quick else (8, 3)
    # Enough due rows that 4 clients never run out during every claim round.
    _prepare(rows=10_000 if quick else 150_000)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for rep in range(rounds):
            for metric, sql in SCRIPTS.items():
                script = Path(folder, f"{len(rows)}.sql")
                script.write_text(sql)
                for clients in (1, 4):
                    # Claimed rows leave dead entries at the head of the due-rows index; the
                    # ceiling is measured on a vacuumed table, as a well-kept queue would be.
                    _vacuum()
                    tps = _pgbench(binary, script, clients=clients, seconds=seconds)
                    rows.append(
                        {
                            "scenario": SCENARIO,
                            "metric": metric,
                            "rep": rep,
                            "value": tps,
                            "variant": f"{clients} client{'s' if clients > 1 else ''}",
                            "unit": "transactions/s",
                        }
                    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_pg_jobs")
    return rows
