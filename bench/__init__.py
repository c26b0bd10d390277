"""Benchmarks that print figures (`python -m bench --help`); never run by CI."""
