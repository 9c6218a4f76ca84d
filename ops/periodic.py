"""The periodic tasks registered on the app, with their last and next runs."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Max
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinatePeriodicDefer
from procrastinate.periodic import PeriodicTask


@dataclass(kw_only=True)
class PeriodicRow:
    key: str
    periodic: PeriodicTask
    last_run: datetime | None
    next_run: datetime


def periodic_tasks() -> list[PeriodicRow]:
    last = {
        (row["task_name"], row["periodic_id"]): row["last"]
        for row in ProcrastinatePeriodicDefer.objects.values("task_name", "periodic_id").annotate(
            last=Max("defer_timestamp")
        )
    }
    now = time.time()
    rows = []
    for (task_name, periodic_id), periodic in sorted(app.periodic_registry.periodic_tasks.items()):
        last_ts = last.get((task_name, periodic_id))
        rows.append(
            PeriodicRow(
                key=f"{task_name}:{periodic_id}",
                periodic=periodic,
                last_run=datetime.fromtimestamp(last_ts, UTC) if last_ts else None,
                next_run=datetime.fromtimestamp(
                    periodic.croniter.get_next(ret_type=float, start_time=now), UTC
                ),
            )
        )
    return rows


def run_now(*, key: str) -> int | None:
    """Defer one run of the periodic task `key` now; None if there is no such task."""
    task_name, _, periodic_id = key.partition(":")
    periodic = app.periodic_registry.periodic_tasks.get((task_name, periodic_id))
    if periodic is None:
        return None
    return periodic.task.configure(**periodic.configure_kwargs).defer(timestamp=int(time.time()))
