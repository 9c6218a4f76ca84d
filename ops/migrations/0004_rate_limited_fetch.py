from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("ops", "0003_rate_limits")]

    operations = [
        migrations.RunSQL(
            (SQL / "fetch_job_v2_ops.sql").read_text(),
            (SQL / "fetch_job_v2_pausable.sql").read_text(),
        ),
    ]
