"""A minimal, unoptimised Channels broadcast app: the baseline for bench/fanout.py."""
