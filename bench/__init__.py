"""Benchmark harness: timings, not tests. ``./pog bench`` or ``python -m bench``."""
