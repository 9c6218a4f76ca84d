"""Indexes the dashboard and /metrics need on big tables (plans in docs/operations.md).

Built CONCURRENTLY so that adding them to a live database never blocks the workers.
"""

from django.db import migrations

INDEXES = {
    # Counts by status, queue and task (overview, metrics, bulk confirm) as index-only scans.
    "ops_jobs_status_queue_task": "procrastinate_jobs (status, queue_name, task_name)",
    # Jobs finished in the last hour and the per-minute chart.
    "ops_events_finished_at": "procrastinate_events (at) WHERE type IN ('succeeded', 'failed')",
    # "Older than" filter: the first job deferred after a moment.
    "ops_events_deferred_at": "procrastinate_events (at) WHERE type = 'deferred'",
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("ops", "0004_pausable_rate_limited_fetch")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
            f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
