"""Benchmarks for Carnet (not tests): see bench/README.md."""
