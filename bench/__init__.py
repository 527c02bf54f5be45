"""Benchmarks of ModelCloud: command throughput and subscriber latency; `python -m bench.run` runs them all."""
