"""Loopback emulators of the X and Facebook Graph APIs, for the demo and the tests.

`make run` starts them (`python -m emulators.serve --x-port 8101 --facebook-port
8102`) so the demo school publishes without real accounts; the pytest fixtures
`x_emulator` and `facebook_emulator` (tests/emulator_fixtures.py) start one per test
on a free port. They live outside `tests/` because production code (the dev stack,
the demo-accounts command, bench/) starts them too, and never imports `tests/`.
Standard library plus oauthlib only: no Django. See docs/developers/emulators.md.
"""
