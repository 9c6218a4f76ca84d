"""Scenario discovery, runs, and the statistics every table shows.

The plug-in contract: any module in bench/ with `run(*, quick: bool) -> list[dict]`. Each row is
{"scenario", "metric", "value", "unit"} plus, optionally:
  "variant"   what was measured (default "Quick Publisher"),
  "rep"       repetition index, pairs variants measured in the same round for ratios,
  "baseline"  the variant of the same metric this one is divided by, round by round,
  "note"      why `value` is None (e.g. "skipped: no Redis").
`row()` below builds one.
Optional module attributes: ORDER (int, sort key), INTERLEAVED (True when run() already repeats
and interleaves its variants itself; otherwise the harness calls run() 3 times, once when quick),
DESCRIPTION (a paragraph for the report), TARGETS (see report.py).
"""

import importlib
import pkgutil
import statistics
import time
import traceback
from dataclasses import dataclass
from types import ModuleType

import bench

DEFAULT_VARIANT = "Quick Publisher"


@dataclass
class Summary:
    scenario: str
    metric: str
    variant: str
    unit: str
    values: list[float]
    note: str = ""
    baseline: str = ""
    ratios: list[float] | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def row(scenario: str, metric: str, variant: str, value: float | None, unit: str, **extra) -> dict:
    """One result row in the plug-in contract's shape."""
    return {
        "scenario": scenario,
        "metric": metric,
        "variant": variant,
        "value": value,
        "unit": unit,
        **extra,
    }


def discover() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def run_module(module: ModuleType, *, quick: bool) -> list[dict]:
    rounds = 1 if quick or getattr(module, "INTERLEAVED", False) else 3
    rows: list[dict] = []
    for rep in range(rounds):
        for row in module.run(quick=quick):
            rows.append({"variant": DEFAULT_VARIANT, "rep": rep, **row})
    return rows


def run_all(modules: list[ModuleType], *, quick: bool) -> tuple[list[dict], list[str]]:
    """All rows, and the names of scenario modules that raised (their error becomes a row note)."""
    rows: list[dict] = []
    failed: list[str] = []
    for module in modules:
        name = module.__name__.removeprefix("bench.")
        started = time.monotonic()
        print(f"[bench] {name} …", flush=True)
        try:
            rows += run_module(module, quick=quick)
        except Exception as exc:
            traceback.print_exc()
            failed.append(name)
            rows.append(
                {
                    "scenario": name,
                    "metric": "run",
                    "variant": DEFAULT_VARIANT,
                    "value": None,
                    "unit": "",
                    "note": f"failed: {type(exc).__name__}: {exc}"[:300],
                }
            )
        print(f"[bench] {name} done in {time.monotonic() - started:.0f} s", flush=True)
    return rows, failed


def summarise(rows: list[dict]) -> list[Summary]:
    """One Summary per (scenario, metric, variant), in first-seen order, with paired ratios."""
    summaries: dict[tuple[str, str, str], Summary] = {}
    by_round: dict[tuple[str, str, str, int], float] = {}
    for row in rows:
        key = (row["scenario"], row["metric"], row.get("variant", DEFAULT_VARIANT))
        summary = summaries.setdefault(
            key,
            Summary(*key, unit=row.get("unit", ""), values=[], baseline=row.get("baseline", "")),
        )
        if row.get("value") is None:
            summary.note = summary.note or row.get("note", "no value")
            continue
        summary.values.append(float(row["value"]))
        by_round[(*key, row.get("rep", 0))] = float(row["value"])
    for (scenario, metric, variant, rep), value in by_round.items():
        summary = summaries[(scenario, metric, variant)]
        base = by_round.get((scenario, metric, summary.baseline, rep))
        if summary.baseline and base:
            summary.ratios = [*(summary.ratios or []), value / base]
    return list(summaries.values())
