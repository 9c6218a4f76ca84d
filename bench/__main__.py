"""python -m bench [--quick] [--only NAME ...]: run the scenarios, write the report and the chart.

Runs under `make bench`, whose database wrapper sets DATABASE_URL; the benchmark works in its own
database on that server (created now, dropped at the end) and never touches the app's data.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NOTES = BASE_DIR / "bench" / "NOTES.md"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a two-minute smoke run")
    parser.add_argument("--only", nargs="*", default=[], help="scenario module names")
    parser.add_argument("--out", type=Path, help="report path (default docs/benchmarks.md)")
    parser.add_argument("--render", type=Path, help="only re-render the report from saved rows")
    return parser.parse_args()


def _facts(url: str) -> dict[str, str]:
    from bench import database, pg_limit, queues

    facts = {"PostgreSQL server": database.server_version(url)}
    pgbench = pg_limit.pgbench_binary()
    if pgbench:
        facts["pgbench"] = subprocess.run(
            [pgbench, "--version"], capture_output=True, text=True
        ).stdout.strip()
    facts["Redis"] = queues.redis_version() if queues.redis_available() else "not reachable"
    facts["Load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return facts


def main() -> int:
    args = _parse()
    sys.path.insert(0, str(BASE_DIR))
    if args.render:
        return render_only(args.render)
    from bench import database

    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("DATABASE_URL is not set: run `make bench`.", file=sys.stderr)
        return 2
    started = time.monotonic()
    bench_url = database.create(server_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        return _run(args, bench_url, started)
    finally:
        from django.db import connections

        connections.close_all()
        database.drop(server_url)


def _run(args: argparse.Namespace, bench_url: str, started: float) -> int:
    import django

    django.setup()
    from bench import harness, processes

    facts = _facts(bench_url)
    modules = [
        m for m in harness.discover() if not args.only or m.__name__.split(".")[-1] in args.only
    ]
    try:
        rows, failed = harness.run_all(modules, quick=args.quick)
    finally:
        processes.stop_all()
    default = BASE_DIR / ("docs" if not args.quick else ".data/bench") / "benchmarks.md"
    results = (args.out or default).with_suffix(".json")
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "quick": args.quick,
                "elapsed": time.monotonic() - started,
                "facts": facts,
                "rows": rows,
            },
            indent=1,
        )
    )
    _render(results, modules)
    if failed:
        print(f"[bench] failed: {', '.join(failed)}; logs in {processes.LOG_DIR}", file=sys.stderr)
    else:
        shutil.rmtree(processes.LOG_DIR, ignore_errors=True)
    return 1 if failed else 0


def _render(results: Path, modules: list) -> None:
    """The report and the chart beside `results` (the rows of one run, saved as JSON)."""
    from bench import harness, report

    saved = json.loads(results.read_text())
    summaries = harness.summarise(saved["rows"])
    out = results.with_suffix(".md")
    notes = NOTES.read_text() if NOTES.exists() and not saved["quick"] else ""
    report.write(out, summaries=summaries, modules=modules, saved=saved, notes=notes)
    report.chart(out.with_suffix(".png"), summaries)
    print(f"[bench] wrote {out} and {out.with_suffix('.png')}")


def render_only(results: Path) -> int:
    """Re-render docs from saved rows (after editing bench/NOTES.md), without measuring again."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from bench import harness

    _render(results, harness.discover())
    return 0


if __name__ == "__main__":
    sys.exit(main())
