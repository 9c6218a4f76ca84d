"""Faults of the database itself: paused, restarted, connections cut."""

import time
import urllib.error
import urllib.request

from tests.reliability.invariants import (
    addresses,
    assert_invariants,
    jobs_in_flight,
    wait_for_recovery,
)
from tests.reliability.processes import wait_until


def test_postgres_paused_for_ten_seconds_loses_no_job_and_sends_each_email_once(faults):
    for _ in range(2):
        faults.processes.worker()
    faults.scenario("slow-welcomes", prefix="before", count=8, seconds=0.5)
    faults.scenario("signups", prefix="signup", count=10)

    paused = faults.cluster.pause()
    time.sleep(10)
    faults.cluster.resume(paused)
    resumed = time.monotonic()
    faults.scenario("signups", prefix="after", count=5)

    wait_for_recovery(faults.cluster, faults.sink, emails=23, timeout=60)
    print(f"recovered {time.monotonic() - resumed:.1f} s after PostgreSQL resumed")
    assert_invariants(
        faults.cluster,
        faults.sink,
        addresses=addresses("before", 8) + addresses("signup", 10) + addresses("after", 5),
    )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def test_postgres_restarted_in_immediate_mode_under_load_loses_nothing(faults):
    base = faults.processes.web()
    wait_until(lambda: get(base + "/")[0] == 200, timeout=30, what="the web server")
    slots = [faults.processes.worker() for _ in range(2)]
    faults.processes.rescuer()
    faults.scenario("signups", prefix="before", count=10)
    faults.scenario("slow-welcomes", prefix="slow", count=10, seconds=1)
    wait_until(lambda: jobs_in_flight(faults.cluster) >= 4, timeout=30, what="jobs in flight")

    faults.cluster.stop(mode="immediate")
    pages = [get(base + "/") for _ in range(3)]
    time.sleep(2)
    faults.cluster.start_again()
    restarted = time.monotonic()
    faults.scenario("signups", prefix="after", count=5)

    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=25, timeout=90)
    print(f"recovered {time.monotonic() - restarted:.1f} s after PostgreSQL came back")
    assert all(status == 503 and "Traceback" not in page for status, page in pages), pages
    assert get(base + "/")[0] == 200
    assert any(slot.exit_codes for slot in slots), "workers exited and were started again"
    assert recovery > 0
    assert_invariants(
        faults.cluster,
        faults.sink,
        addresses=addresses("slow", 10) + addresses("before", 10) + addresses("after", 5),
    )


def test_every_worker_connection_terminated_loses_nothing(faults):
    for _ in range(2):
        faults.processes.worker()
    faults.processes.rescuer()
    faults.scenario("signups", prefix="signup", count=10)
    faults.scenario("slow-welcomes", prefix="slow", count=10, seconds=2)
    wait_until(lambda: jobs_in_flight(faults.cluster) >= 4, timeout=30, what="jobs in flight")

    terminated = faults.cluster.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )

    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=20, timeout=90)
    print(f"recovered {recovery:.1f} s after terminating {len(terminated)} connections")
    assert len(terminated) >= 4, "both workers' connections were cut"
    assert_invariants(
        faults.cluster, faults.sink, addresses=addresses("slow", 10) + addresses("signup", 10)
    )
