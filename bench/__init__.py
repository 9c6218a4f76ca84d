"""Benchmarks: `make bench` (or `make bench QUICK=1`) runs every scenario module in this package.

A scenario is any module here with `run(*, quick: bool) -> list[dict]`; see bench/harness.py.
"""
