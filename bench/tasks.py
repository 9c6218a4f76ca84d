"""The job bodies both queues run: a no-op, and a probe that records enqueue-to-start latency."""

from procrastinate.contrib.django import app

from bench.probe import record_latency

QUEUE = "bench"


@app.task(queue=QUEUE, name="bench.noop")
def noop() -> None:
    pass


@app.task(queue=QUEUE, name="bench.noop_async")
async def noop_async() -> None:
    pass


@app.task(queue=QUEUE, name="bench.probe")
def probe(*, sent_at: float) -> None:
    record_latency(sent_at)


@app.task(queue=QUEUE, name="bench.probe_async")
async def probe_async(*, sent_at: float) -> None:
    record_latency(sent_at)
