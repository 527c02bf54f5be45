"""Benchmarks of ModelCloud's command throughput and subscriber latency. `python -m bench.run` runs them all."""
