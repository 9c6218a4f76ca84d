"""Settings for benchmark workers: the product's settings plus the benchmark tasks.

Tuning knobs are plain environment variables (WORKER_CONCURRENCY, WORKER_DELETE_JOBS, LOG_LEVEL,
PROCRASTINATE_LOG_LEVEL…) read by project.settings, so every variant is a real
`manage.py procrastinate worker` configured the way an operator would configure it.
"""

import asyncio

from project.settings import *  # noqa: F403
from project.settings import env

PROCRASTINATE_IMPORT_PATHS = ["bench.tasks"]

# The worker command runs asyncio.run(), which takes its loop from the policy set here.
if env("WORKER_EVENT_LOOP") == "uvloop":
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
