"""Workers stopped or killed in the middle of their jobs."""

import signal
import time

from tests.reliability.invariants import (
    addresses,
    assert_invariants,
    jobs_in_flight,
    wait_for_recovery,
)
from tests.reliability.processes import wait_until


def rescued_jobs(cluster) -> list[tuple]:
    return cluster.sql("SELECT job_id, count FROM ops_jobrescue")


def test_sigterm_during_load_lets_running_jobs_finish_and_the_worker_exit_zero(faults):
    slot = faults.processes.worker(concurrency=4)
    faults.scenario("slow-welcomes", prefix="reader", count=12, seconds=2)
    wait_until(lambda: jobs_in_flight(faults.cluster) >= 2, timeout=30, what="jobs in flight")

    stopped = time.monotonic()
    assert slot.stop_current(timeout=20) == 0
    print(f"worker stopped {time.monotonic() - stopped:.1f} s after SIGTERM")
    # Nothing it had started was left behind: the supervised replacement only finds `todo` jobs.
    assert jobs_in_flight(faults.cluster) == 0

    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=12, timeout=60)
    print(f"queue drained {recovery:.1f} s after the replacement started")
    assert slot.exit_codes == [0]
    assert_invariants(faults.cluster, faults.sink, addresses=addresses("reader", 12))


def test_a_worker_killed_mid_jobs_is_replaced_and_its_jobs_are_rescued_and_sent_once(faults):
    slots = [faults.processes.worker(concurrency=4) for _ in range(2)]
    faults.processes.rescuer()
    faults.scenario("slow-welcomes", prefix="reader", count=16, seconds=1.5)
    wait_until(lambda: jobs_in_flight(faults.cluster) >= 4, timeout=30, what="jobs in flight")

    slots[0].process.send_signal(signal.SIGKILL)
    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=16, timeout=60)

    print(f"recovered {recovery:.1f} s after kill -9")
    assert slots[0].exit_codes == [-signal.SIGKILL] and slots[0].starts == 2
    assert rescued_jobs(faults.cluster), "the killed worker's jobs went back to the queue"
    assert_invariants(faults.cluster, faults.sink, addresses=addresses("reader", 16))


def test_a_worker_paused_past_the_stall_threshold_may_rerun_a_job_but_sends_its_email_once(
    faults,
):
    paused = faults.processes.worker(concurrency=2)
    faults.scenario("slow-welcomes", prefix="reader", count=4, seconds=3)
    wait_until(lambda: jobs_in_flight(faults.cluster) == 2, timeout=30, what="two jobs in flight")
    paused.process.send_signal(signal.SIGSTOP)
    faults.processes.worker(concurrency=2)
    faults.processes.rescuer()

    # Stalled after 3 s, rescued within a second, rerun by the other worker meanwhile.
    wait_until(lambda: rescued_jobs(faults.cluster), timeout=20, what="a rescue")
    time.sleep(2)
    paused.process.send_signal(signal.SIGCONT)
    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=4, timeout=60)

    print(f"recovered {recovery:.1f} s after the paused worker resumed")
    assert paused.exit_codes == [], "the paused worker carried on after SIGCONT"
    assert_invariants(faults.cluster, faults.sink, addresses=addresses("reader", 4))


def test_a_poison_job_that_kills_its_worker_ends_failed_after_the_rescue_cap(faults):
    # Workers run several jobs at once: the first crash takes the poison job's neighbours down too,
    # but rescued jobs then run alone (ops' fetch), so only the poison job reaches the cap.
    slots = [faults.processes.worker(concurrency=4) for _ in range(2)]
    faults.processes.rescuer()
    faults.scenario("poison")
    faults.scenario("signups", prefix="signup", count=10)

    recovery = wait_for_recovery(faults.cluster, faults.sink, emails=10, timeout=90)

    print(f"poison contained after {recovery:.1f} s")
    kills = sum(slot.exit_codes.count(-signal.SIGKILL) for slot in slots)
    assert kills == 3, "the poison job ran once and was rescued twice (JOBS_RESCUE_MAX=2)"
    assert_invariants(
        faults.cluster,
        faults.sink,
        addresses=addresses("signup", 10),
        poison_tasks=("reliability.poison",),
    )
