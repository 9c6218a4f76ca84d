"""Faults of the database itself: paused, restarted, connections cut."""

import time

from tests.reliability.invariants import assert_invariants, wait_for_recovery


def addresses(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n}@example.com" for n in range(count)]


def test_postgres_paused_for_ten_seconds_loses_no_job_and_sends_each_email_once(faults):
    for _ in range(2):
        faults.processes.worker()
    faults.scenario("slow-welcomes", prefix="before", count=8, seconds=0.5)
    faults.scenario("signups", prefix="signup", count=10)

    paused = faults.cluster.pause()
    time.sleep(10)
    faults.cluster.resume(paused)
    faults.scenario("signups", prefix="after", count=5)

    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=23, timeout=60)
    print(f"recovered {recovery:.1f} s after PostgreSQL resumed")
    assert_invariants(
        faults.cluster,
        faults.sink,
        addresses=addresses("before", 8) + addresses("signup", 10) + addresses("after", 5),
    )
