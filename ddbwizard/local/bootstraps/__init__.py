"""Runtime bootstraps the --local poller runs a function with (Python and Node.js)."""
