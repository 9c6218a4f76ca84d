from django.db import migrations

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

    # Stored attempts and rescue counts disappear with their job (pruning, admin deletes).
    operations = [migrations.RunSQL(CASCADE, UNCASCADE)]
