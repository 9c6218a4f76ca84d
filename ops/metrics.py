"""Prometheus metrics computed from the database at scrape time, so they hold across every
worker and web process (no per-process counters to merge)."""

from django.conf import settings
from django.db import connection
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from ops import jobs

BUCKETS = [0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0]


def _rows(query: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return cursor.fetchall()


class QueueCollector:
    def collect(self):
        depth = GaugeMetricFamily(
            "procrastinate_jobs", "Jobs by queue and status", labels=["queue", "status"]
        )
        for queue, status, count in _rows(
            "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2"
        ):
            depth.add_metric([queue, status], count)
        yield depth

        oldest = GaugeMetricFamily(
            "procrastinate_oldest_waiting_job_age_seconds",
            "Age of the oldest job waiting to start (due, not started)",
            labels=["queue"],
        )
        now = timezone.now()
        for queue, since in jobs.oldest_waiting_by_queue().items():
            oldest.add_metric([queue], (now - since).total_seconds())
        yield oldest

        finished = GaugeMetricFamily(
            "procrastinate_job_attempts_finished",
            "Attempts finished by task and outcome, over the retained history",
            labels=["task", "outcome"],
        )
        for task, outcome, count in _rows(
            "SELECT task_name, outcome, count(*) FROM ops_jobattempt"
            " WHERE outcome <> 'running' GROUP BY 1, 2"
        ):
            finished.add_metric([task, outcome], count)
        yield finished

        yield self._histogram(
            "procrastinate_job_wait_seconds",
            "From due to started",
            "waited_seconds",
            "started_at IS NOT NULL",
        )
        yield self._histogram(
            "procrastinate_job_run_seconds",
            "From started to finished",
            "EXTRACT(EPOCH FROM finished_at - started_at)",
            "finished_at IS NOT NULL",
        )

        live = GaugeMetricFamily("procrastinate_live_workers", "Workers with a fresh heartbeat")
        (count,) = _rows(
            "SELECT count(*) FROM procrastinate_workers"
            " WHERE last_heartbeat >= now() - make_interval(secs => %s)",
            [settings.JOBS_STALL_SECONDS],
        )[0]
        live.add_metric([], count)
        yield live

    def _histogram(
        self, name: str, documentation: str, value: str, where: str
    ) -> HistogramMetricFamily:
        columns = ", ".join(f"count(*) FILTER (WHERE {value} <= {bound})" for bound in BUCKETS)
        histogram = HistogramMetricFamily(name, documentation, labels=["task"])
        query = (
            f"SELECT task_name, {columns}, count(*), coalesce(sum({value}), 0)"  # noqa: S608
            f" FROM ops_jobattempt WHERE {where} GROUP BY 1"
        )
        for task, *counts in _rows(query):
            *bucket_counts, total, total_sum = counts
            buckets = [(str(bound), n) for bound, n in zip(BUCKETS, bucket_counts, strict=True)]
            histogram.add_metric([task], [*buckets, ("+Inf", total)], float(total_sum))
        return histogram


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(QueueCollector())
    return generate_latest(registry)
