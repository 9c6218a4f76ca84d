"""Settings for worker subprocesses in the ops tests: fast heartbeats and the test tasks."""

from project.settings import *  # noqa: F403
from project.settings import PROCRASTINATE_WORKER_DEFAULTS

PROCRASTINATE_IMPORT_PATHS = ["tests.ops_tasks"]
PROCRASTINATE_WORKER_DEFAULTS = {
    **PROCRASTINATE_WORKER_DEFAULTS,
    "update_heartbeat_interval": 0.5,
    "stalled_worker_timeout": 1.0,
}
