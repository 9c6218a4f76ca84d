from procrastinate.contrib.django import app

from ops import maintenance
from ops.retry import DATABASE_BLIPS

QUEUE = "maintenance"


@app.periodic(cron="* * * * *", periodic_id="every_minute")
@app.task(name="ops.rescue_stalled_jobs", queue=QUEUE, retry=DATABASE_BLIPS)
def rescue_stalled_jobs(*, timestamp: int) -> None:
    maintenance.rescue_stalled_jobs()


@app.periodic(cron="17 * * * *", periodic_id="hourly")
@app.task(name="ops.prune_finished_jobs", queue=QUEUE, retry=DATABASE_BLIPS)
def prune_finished_jobs(*, timestamp: int) -> None:
    maintenance.prune_finished_jobs()
