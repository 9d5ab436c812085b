"""Benchmark targets for bench/fanout.py (see ``bench.fanout.Target``)."""
