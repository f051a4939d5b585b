"""Loopback emulators of the X and Facebook Graph APIs, for tests and the demo.

`python -m tests.fakes.serve --x-port 8101 --facebook-port 8102` runs both; the pytest
fixtures `x_emulator` and `facebook_emulator` (tests/fakes/fixtures.py) start one per
test on a free port. See the README section "The network emulators".
"""
