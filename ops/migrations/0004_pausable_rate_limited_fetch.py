"""Workers claim jobs through ops' version of procrastinate_fetch_job_v2 (docs/operations.md:
paused queues and rate limits are enforced where jobs are claimed)."""

import re
from pathlib import Path

import procrastinate
from django.db import migrations

OPS_FETCH = Path(__file__).resolve().parent.parent / "sql" / "fetch_job_v2_ops.sql"


def upstream_fetch() -> str:
    """The installed Procrastinate's own definition, restored when this migration is reversed."""
    schema = (Path(procrastinate.__file__).parent / "sql" / "schema.sql").read_text()
    match = re.search(r"CREATE FUNCTION procrastinate_fetch_job_v2\(.*?\n\$\$;", schema, re.S)
    assert match, "procrastinate_fetch_job_v2 not found in Procrastinate's schema.sql"
    return match[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


class Migration(migrations.Migration):
    dependencies = [("ops", "0003_rate_limits")]

    operations = [migrations.RunSQL(OPS_FETCH.read_text(), upstream_fetch())]
