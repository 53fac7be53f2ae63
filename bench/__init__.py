"""Benchmarks for eCITES: figures and ratios against the targets, never timed assertions.

Run them with ``make bench`` or ``python -m bench --help``; see bench/README.md.
"""
