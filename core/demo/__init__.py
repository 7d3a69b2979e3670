"""Realistic fake data for demos, screenshots and benchmarks (``main.py demo``)."""
