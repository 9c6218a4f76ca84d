"""Settings for benchmark workers: the product's settings plus the benchmark tasks.

Tuning knobs are plain environment variables (WORKER_CONCURRENCY, WORKER_DELETE_JOBS, LOG_LEVEL,
CONN_MAX_AGE…) read by project.settings, so every variant is a real `manage.py procrastinate worker`
configured the way an operator would configure it.
"""

from project.settings import *  # noqa: F403

PROCRASTINATE_IMPORT_PATHS = ["bench.tasks"]
