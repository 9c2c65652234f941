"""The full-screen Textual wizard: one screen per step, every AWS call in a worker."""
