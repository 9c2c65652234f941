"""Packaging a function's code into a deterministic Lambda zip (pure: files and subprocesses, no AWS)."""
