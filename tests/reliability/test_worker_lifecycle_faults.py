"""Workers stopped or killed in the middle of their jobs."""

import time

from tests.reliability.invariants import assert_invariants, wait_for_recovery
from tests.reliability.processes import wait_until


def doing(cluster) -> int:
    return cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")[0][0]


def test_sigterm_during_load_lets_running_jobs_finish_and_the_worker_exit_zero(faults):
    slot = faults.processes.worker(concurrency=4)
    faults.scenario("slow-welcomes", prefix="reader", count=12, seconds=2)
    wait_until(lambda: doing(faults.cluster) >= 2, timeout=30, what="jobs in flight")

    stopped = time.monotonic()
    assert slot.stop_current(timeout=20) == 0
    print(f"worker stopped {time.monotonic() - stopped:.1f} s after SIGTERM")
    # Nothing it had started was left behind: the supervised replacement only finds `todo` jobs.
    assert doing(faults.cluster) == 0

    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=12, timeout=60)
    print(f"queue drained {recovery:.1f} s after the replacement started")
    assert slot.exit_codes == [0]
    assert_invariants(
        faults.cluster, faults.sink, addresses=[f"reader{n}@example.com" for n in range(12)]
    )
