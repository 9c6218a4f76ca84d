from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql"

CASCADE = """
ALTER TABLE ops_jobattempt ADD CONSTRAINT ops_jobattempt_job_fk
    FOREIGN KEY (job_id) REFERENCES procrastinate_jobs (id) ON DELETE CASCADE;
ALTER TABLE ops_jobrescue ADD CONSTRAINT ops_jobrescue_job_fk
    FOREIGN KEY (job_id) REFERENCES procrastinate_jobs (id) ON DELETE CASCADE;
"""
UNCASCADE = """
ALTER TABLE ops_jobattempt DROP CONSTRAINT ops_jobattempt_job_fk;
ALTER TABLE ops_jobrescue DROP CONSTRAINT ops_jobrescue_job_fk;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]

    operations = [
        # Stored errors and rescue counts disappear with their job (pruning, admin deletes).
        migrations.RunSQL(CASCADE, UNCASCADE),
        # Pause is enforced where workers claim jobs, so no paused job is ever started.
        migrations.RunSQL(
            (SQL / "fetch_job_v2_pausable.sql").read_text(),
            (SQL / "fetch_job_v2_original.sql").read_text(),
        ),
    ]
