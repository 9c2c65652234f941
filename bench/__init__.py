"""ddbwizard's benchmark suite (issue #7): `python -m bench [--quick] [--only NAME ...]`.

Every benchmark measures its floor in the same run, interleaved with the subject, and
reports median, min..max and the ratio of medians. Benchmarks are not tests: nothing here
asserts a timing; the verdicts are printed and recorded in bench/RESULTS.md.
"""
