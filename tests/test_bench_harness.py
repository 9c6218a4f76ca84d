"""The benchmark harness turns scenario rows into the report's tables (no timing is asserted)."""

from types import SimpleNamespace

from bench import harness, report

SAVED = {"generated": "2026-01-01 00:00 UTC", "quick": False, "elapsed": 60.0, "facts": {}}


def _drain(variant: str, rep: int, value: float | None, **extra) -> dict:
    return {
        "scenario": "drain",
        "metric": "no-op jobs",
        "variant": variant,
        "rep": rep,
        "value": value,
        "unit": "jobs/s",
        **extra,
    }


def _report(folder, rows: list[dict], modules: list) -> str:
    path = folder / "benchmarks.md"
    report.write(path, summaries=harness.summarise(rows), modules=modules, saved=SAVED, notes="")
    return path.read_text()


def test_ratios_pair_each_variant_with_its_baseline_measured_in_the_same_round():
    rows = [
        _drain("Celery", 0, 100.0),
        _drain("Procrastinate", 0, 150.0, baseline="Celery"),
        _drain("Celery", 1, 200.0),
        _drain("Procrastinate", 1, 220.0, baseline="Celery"),
        _drain("Celery", 2, 50.0),
        _drain("Procrastinate", 2, 60.0, baseline="Celery"),
    ]

    procrastinate = harness.summarise(rows)[1]

    assert procrastinate.median == 150.0
    assert procrastinate.ratios == [1.5, 1.1, 1.2]
    assert report.median_ratio(procrastinate) == 1.2


def test_rows_without_a_variant_are_reported_under_the_default_variant(tmp_path):
    dashboard = SimpleNamespace(
        __name__="bench.ops_dashboard",
        run=lambda *, quick: [
            {"scenario": "dashboard", "metric": "page", "value": 42.0, "unit": "ms"}
        ],
    )

    rows = harness.run_module(dashboard, quick=False)
    text = _report(tmp_path, rows, [dashboard])

    assert len(rows) == 3, "a module that does not interleave itself is run three times"
    assert "| page | Quick Publisher | 42.0 | 42.0–42.0 | 3 | ms |" in text


def test_a_skipped_comparison_shows_its_reason_and_its_target_as_not_measured(tmp_path):
    scenario = SimpleNamespace(
        __name__="bench.drain",
        SCENARIO="drain",
        TARGETS=[
            {
                "label": "drain ≥ 1.0× Celery",
                "metric": "no-op jobs",
                "variant": "Procrastinate",
                "field": "ratio",
                "op": ">=",
                "limit": 1.0,
            }
        ],
    )
    rows = [
        _drain("Celery", 0, None, note="skipped: no Redis"),
        _drain("Procrastinate", 0, 300.0, baseline="Celery"),
    ]

    text = _report(tmp_path, rows, [scenario])

    assert "| no-op jobs | Celery | skipped: no Redis |" in text
    assert "| drain ≥ 1.0× Celery | — | not measured |" in text
