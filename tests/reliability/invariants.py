"""What must hold after every fault and its recovery window."""

import time
from collections import Counter

from tests.reliability.cluster import Cluster
from tests.reliability.processes import wait_until

UNFINISHED = ("todo", "doing")


def addresses(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n}@example.com" for n in range(count)]


def jobs_in_flight(cluster: Cluster) -> int:
    return cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")[0][0]


def unfinished_jobs(cluster: Cluster) -> list[tuple]:
    return cluster.sql(
        "SELECT id, task_name, status FROM procrastinate_jobs WHERE status = ANY(%s) ORDER BY id",
        [list(UNFINISHED)],
    )


def deliveries_per_address(cluster: Cluster) -> Counter:
    rows = cluster.sql(
        "SELECT u.email FROM mail_delivery d JOIN accounts_user u ON u.id = d.recipient_id"
    )
    return Counter(email for (email,) in rows)


def wait_for_recovery(cluster: Cluster, sink, *, emails: int, timeout: float) -> float:
    """Seconds until the queue is drained and `emails` messages reached the SMTP sink."""
    started = time.monotonic()
    wait_until(
        lambda: len(sink.messages) >= emails and not unfinished_jobs(cluster),
        timeout=timeout,
        what=f"{emails} emails and an empty queue",
    )
    return time.monotonic() - started


def assert_invariants(
    cluster: Cluster, sink, *, addresses: list[str], poison_tasks: tuple[str, ...] = ()
) -> None:
    """Every good job succeeded, poison jobs failed, nothing unfinished, one email per address."""
    assert unfinished_jobs(cluster) == []
    jobs = cluster.sql("SELECT id, task_name, status FROM procrastinate_jobs")
    bad = [job for job in jobs if (job[2] == "failed") != (job[1] in poison_tasks)]
    assert bad == [], f"jobs in the wrong final state: {bad}"
    assert all(job[2] != "todo" for job in jobs)
    at_sink = Counter(address for message in sink.messages for address in [message["To"]])
    assert at_sink == Counter(addresses), "each address gets exactly one email at the SMTP sink"
    assert deliveries_per_address(cluster) == Counter(addresses)
