"""Loopback emulators of the X, Facebook, Instagram and Bluesky APIs, a mail sink and
a web push service, for the demo and the tests.

`make run` starts them (`python -m emulators.serve --x-port 8101 --facebook-port
8102 --instagram-port 8103 --bluesky-port 8104`) so the demo school publishes without
real accounts; the pytest fixtures `x_emulator`, `facebook_emulator`,
`instagram_emulator` and `bluesky_emulator` (tests/emulator_fixtures.py) start one
per test on a free port. They live outside `tests/` because production code (the dev
stack, the demo-accounts command, bench/) starts them too, and never imports
`tests/`. Standard library plus oauthlib (X's signatures) and regex (Bluesky's
grapheme count) only: no Django. See docs/developers/emulators.md.
"""
