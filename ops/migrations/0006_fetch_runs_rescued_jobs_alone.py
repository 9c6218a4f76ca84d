"""Re-applies ops' fetch function to databases migrated before it learnt to run rescued jobs alone
(0004 applies the same file, ops/sql/fetch_job_v2_ops.sql, on fresh databases)."""

from pathlib import Path

from django.db import migrations

OPS_FETCH = Path(__file__).resolve().parent.parent / "sql" / "fetch_job_v2_ops.sql"


class Migration(migrations.Migration):
    dependencies = [("ops", "0005_dashboard_indexes")]

    operations = [migrations.RunSQL(OPS_FETCH.read_text(), migrations.RunSQL.noop)]
