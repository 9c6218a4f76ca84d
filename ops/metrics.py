"""Prometheus metrics computed from the database at scrape time, so they hold across every
worker and web process (no per-process counters to merge)."""

from collections import Counter

from django.conf import settings
from django.db import connection
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily

from ops import jobs

BUCKETS = [0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0]
FINISHED = ("succeeded", "failed", "cancelled", "aborted")
# Latency and run time describe the attempts that started in this window (a gauge histogram):
# a scrape shows the recent distribution, and old rows never make a scrape slow.
HISTOGRAM_WINDOW_MINUTES = 10


def _rows(query: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchall()


class QueueCollector:
    def collect(self):
        depth = GaugeMetricFamily(
            "procrastinate_jobs", "Jobs by queue and status", labels=["queue", "status"]
        )
        finished = GaugeMetricFamily(
            "procrastinate_jobs_finished",
            "Finished jobs still retained, by task and outcome",
            labels=["task", "outcome"],
        )
        by_queue: Counter[tuple[str, str]] = Counter()
        by_task: Counter[tuple[str, str]] = Counter()
        for queue, task, status, count in jobs.counts_by_queue_task_status():
            by_queue[queue, status] += count
            if status in FINISHED:
                by_task[task, status] += count
        for labels, count in sorted(by_queue.items()):
            depth.add_metric(list(labels), count)
        for labels, count in sorted(by_task.items()):
            finished.add_metric(list(labels), count)
        yield depth
        yield finished
        yield self._oldest_waiting()
        yield self._histogram("procrastinate_job_wait_seconds", "Due to started", "waited_seconds")
        yield self._histogram(
            "procrastinate_job_run_seconds",
            "Started to finished",
            "EXTRACT(EPOCH FROM finished_at - started_at)",
        )
        yield self._live_workers()

    def _oldest_waiting(self) -> GaugeMetricFamily:
        oldest = GaugeMetricFamily(
            "procrastinate_oldest_waiting_job_age_seconds",
            "Age of the oldest job waiting to start (due, not started)",
            labels=["queue"],
        )
        now = timezone.now()
        for queue, since in jobs.oldest_waiting_by_queue().items():
            oldest.add_metric([queue], (now - since).total_seconds())
        return oldest

    def _histogram(self, name: str, documentation: str, value: str) -> GaugeHistogramMetricFamily:
        columns = ", ".join(f"count(*) FILTER (WHERE {value} <= {bound})" for bound in BUCKETS)
        histogram = GaugeHistogramMetricFamily(
            name, f"{documentation}, attempts finished in the last {HISTOGRAM_WINDOW_MINUTES} min",
            labels=["task"],
        )  # fmt: skip
        query = (
            f"SELECT task_name, {columns}, count(*), coalesce(sum({value}), 0)"  # noqa: S608
            " FROM ops_jobattempt WHERE finished_at >= now() - make_interval(mins => %s)"
            " GROUP BY 1"
        )
        for task, *counts in _rows(query, [HISTOGRAM_WINDOW_MINUTES]):
            *bucket_counts, total, total_sum = counts
            buckets = [(str(bound), n) for bound, n in zip(BUCKETS, bucket_counts, strict=True)]
            histogram.add_metric([task], [*buckets, ("+Inf", total)], float(total_sum))
        return histogram

    def _live_workers(self) -> GaugeMetricFamily:
        live = GaugeMetricFamily("procrastinate_live_workers", "Workers with a fresh heartbeat")
        (count,) = _rows(
            "SELECT count(*) FROM procrastinate_workers"
            " WHERE last_heartbeat >= now() - make_interval(secs => %s)",
            [settings.JOBS_STALL_SECONDS],
        )[0]
        live.add_metric([], count)
        return live


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(QueueCollector())
    return generate_latest(registry)
