"""Scheduled jobs you can see: each run is recorded, missed runs are caught up.

The cron process (``config/cron.py``) wakes every job each minute; the job itself
decides whether a slot of its schedule is due and not yet done (``services``). That
makes a run idempotent (one ``JobRun`` per job and slot, a unique row), catches up
after downtime (the latest missed slot runs at the next wake-up, and the jobs act on
everything due up to now), and keeps clock changes harmless (slots are wall-clock
times in the school's zone, one per local day).
"""
