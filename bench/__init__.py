"""Benchmarks behind `make bench`: `python -m bench [NAME ...]`.

Each benchmark is a module with a `BENCHMARK` (see `bench.framework`), listed
in `bench.registry`; its figures go to its own section of docs/performance.md.
"""
