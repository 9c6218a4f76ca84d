"""Each configuration change, measured against the one before it in the same round."""

from bench import drain, harness, queues
from bench.queues import Config

ORDER = 50
INTERLEAVED = True
SCENARIO = "Tuning: one change at a time"
CONCURRENCY = 4
LOGS = Config(
    "per-job logs (PROCRASTINATE_LOG_LEVEL=INFO), def task",
    env={"PROCRASTINATE_LOG_LEVEL": "INFO"},
)
DEFAULTS = Config("project defaults: WARNING-level Procrastinate logs, def task")
ASYNC = Config("async def task instead of def (not adopted)", task="noop_async")
UVLOOP = Config("uvloop event loop, def task (adopted)", env={"WORKER_EVENT_LOOP": "uvloop"})
DELETE = Config(
    "uvloop + WORKER_DELETE_JOBS=successful (not adopted)",
    env={**UVLOOP.env, "WORKER_DELETE_JOBS": "successful"},
)
# (configuration, the step it is compared with in the same round)
STEPS = ((LOGS, None), (DEFAULTS, LOGS), (ASYNC, DEFAULTS), (UVLOOP, DEFAULTS), (DELETE, UVLOOP))
assert (UVLOOP.task, UVLOOP.env) == (queues.TUNED.task, queues.TUNED.env)
DESCRIPTION = f"""
No-op drain with {drain.WORKER_PROCESSES} worker processes at concurrency {CONCURRENCY}, one
configuration change per step, every step measured in each round; the ratio compares a step with
the step it changes, in the same round. The other scenarios use the adopted step. Deleting
successful jobs is measured but not adopted: the ops dashboard and the retention policy need
finished jobs to stay.
"""


def run(*, quick: bool) -> list[dict]:
    count, rounds = (600, 1) if quick else (3_000, 3)
    rows = []
    for rep in range(rounds):
        for config, compared_with in STEPS:
            rate = drain.procrastinate_rate(config, concurrency=CONCURRENCY, count=count)
            extra = {"baseline": compared_with.label} if compared_with else {}
            rows.append(
                harness.row(SCENARIO, "no-op drain", config.label, rate, "jobs/s", rep=rep, **extra)
            )
    queues.reset_procrastinate()
    return rows
