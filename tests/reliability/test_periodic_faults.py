"""Periodic work under several workers, restarts and clock steps: one tick job, one report."""

import os
import time

import pytest

from tests.reliability.invariants import (
    addresses,
    assert_invariants,
    unfinished_jobs,
    wait_for_recovery,
)
from tests.reliability.processes import libfaketime_available, wait_until

AUTHORS = 4


def duplicated_ticks(cluster) -> list[tuple]:
    return cluster.sql(
        "SELECT task_name, args->>'timestamp', count(*) FROM procrastinate_jobs"
        " WHERE args ? 'timestamp' GROUP BY 1, 2 HAVING count(*) > 1"
    )


def report_ticks(cluster) -> set[int]:
    rows = cluster.sql(
        "SELECT (args->>'timestamp')::bigint FROM procrastinate_jobs"
        " WHERE task_name = 'reports.tasks.tick_daily_reports' AND status = 'succeeded'"
    )
    return {timestamp for (timestamp,) in rows}


def registered_since(cluster, worker_id: int) -> int:
    return cluster.sql("SELECT count(*) FROM procrastinate_workers WHERE id > %s", [worker_id])[0][
        0
    ]


def test_three_workers_sharing_the_periodic_tasks_run_each_tick_once(faults):
    faults.scenario("authors", prefix="author", count=AUTHORS)
    # The report time has passed whatever the hour, so each worker's first tick dispatches.
    slots = [faults.processes.worker(REPORTS_DAILY_TIME="00:00") for _ in range(3)]
    wait_for_recovery(faults.cluster, faults.sink, emails=AUTHORS, timeout=45)

    (first_generation,) = faults.cluster.sql("SELECT max(id) FROM procrastinate_workers")[0]
    for slot in slots:  # every restart defers the latest tick again, from three processes
        assert slot.stop_current(timeout=20) == 0
    wait_until(
        lambda: registered_since(faults.cluster, first_generation) == 3,
        timeout=20,
        what="three restarted workers",
    )
    time.sleep(1)  # their periodic deferrers run right after registering
    wait_for_recovery(faults.cluster, faults.sink, emails=AUTHORS, timeout=45)

    assert duplicated_ticks(faults.cluster) == []
    assert report_ticks(faults.cluster), "the daily-report tick ran"
    assert faults.cluster.sql(
        "SELECT count(*), count(DISTINCT author_id) FROM reports_dailyreport"
    ) == [(AUTHORS, AUTHORS)]
    assert_invariants(faults.cluster, faults.sink, addresses=addresses("author", AUTHORS))


def test_a_worker_clock_stepped_back_and_forward_sends_the_daily_report_once(faults):
    if not libfaketime_available():
        if os.environ.get("CI"):
            pytest.fail("CI must run the clock-step fault: `make test` installs faketime as root")
        pytest.skip("libfaketime is not installed (make test installs it as root with apt-get)")
    faults.scenario("authors", prefix="author", count=AUTHORS)
    # The report goes out at 08:00; the worker host's clock then steps back (still after 08:00,
    # so the same day is due again) and forward, with a worker restart each time.
    clocks = ["2030-01-15 09:00:00", "2030-01-15 08:20:00", "2030-01-15 10:10:00"]
    for number, clock in enumerate(clocks, start=1):
        slot = faults.processes.worker(FAKETIME=f"@{clock}", REPORTS_DAILY_TIME="08:00")
        wait_until(
            lambda n=number: (
                len(report_ticks(faults.cluster)) == n and not unfinished_jobs(faults.cluster)
            ),
            timeout=45,
            what=f"the tick at {clock}",
        )
        slot.stop(timeout=20)

    assert faults.cluster.sql("SELECT day::text, count(*) FROM reports_dailyreport GROUP BY 1") == [
        ("2030-01-15", AUTHORS)
    ]
    assert faults.cluster.sql("SELECT count(*) FROM reports_dailydispatch") == [(1,)]
    assert_invariants(faults.cluster, faults.sink, addresses=addresses("author", AUTHORS))
