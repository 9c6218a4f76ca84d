"""Enqueue-to-start latency, recorded by the job body itself (no Django: Celery imports it too)."""

import os
import statistics
import time
from pathlib import Path


def record_latency(sent_at: float) -> None:
    started = time.time()
    # One short O_APPEND write per job: atomic between processes, no lock needed.
    with open(os.environ.get("BENCH_PROBE_FILE", os.devnull), "a") as probe:
        probe.write(f"{started - sent_at:.6f}\n")


def percentiles_ms(path: Path, *, skip: int = 0) -> tuple[float, float]:
    """p50 and p99 in milliseconds of the latencies written to `path`, after the first `skip`."""
    values = sorted(float(line) * 1000 for line in path.read_text().split()[skip:])
    if not values:
        raise RuntimeError(f"no job recorded its latency in {path}")
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]
