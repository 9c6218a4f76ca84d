"""The SMTP server the email benchmarks send to: aiosmtpd in its own process, counting messages.

    python -m bench.smtp_sink PORT STATUS_FILE [DELAY_SECONDS]

Nothing is parsed: each message is counted once its DATA arrives, after an optional delay (an
asyncio sleep, so concurrent senders each wait DELAY_SECONDS instead of queueing behind one
another, like a slow real server). "count monotonic-time-of-the-latest-message" is written to
STATUS_FILE a few times a second; time.monotonic() is one system-wide clock on Linux, so the
benchmark compares it with its own.
"""

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

STATUS_INTERVAL = 0.01


class Counter:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.count = 0
        self.last_at = 0.0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        self.last_at = time.monotonic()
        return "250 OK"


def free_port() -> int:
    """A free loopback port (never 8000-8010, which people's dev servers use)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if not 8000 <= port <= 8010:
            return port


async def _serve(port: int, status: Path, delay: float) -> None:
    from aiosmtpd.smtp import SMTP

    counter = Counter(delay)
    loop = asyncio.get_running_loop()
    await loop.create_server(lambda: SMTP(counter, hostname="sink"), "127.0.0.1", port)
    written = None
    while True:
        if written != (counter.count, counter.last_at):
            written = (counter.count, counter.last_at)
            scratch = status.with_suffix(".tmp")
            scratch.write_text(f"{counter.count} {counter.last_at}")
            os.replace(scratch, status)
        await asyncio.sleep(STATUS_INTERVAL)


if __name__ == "__main__":
    port, status, *delay = sys.argv[1:]
    asyncio.run(_serve(int(port), Path(status), float(delay[0]) if delay else 0.0))
