"""The cluster on this machine, reduced (issue 23, item 4): `make cluster` runs all.

Starts two gunicorn instances behind the shipped nginx config, three rq workers and two
cron processes at once, a private Redis, moto's S3 and the CDN emulator
(bench/support/cluster.py), with production settings, on PostgreSQL when DATABASE_URL
names it and on SQLite otherwise. While parents read the site it kills a web instance
and restarts Redis mid-publish, then withdraws consent with the S3 endpoint not
answering. The full run (bench/cluster.py) also kills a worker mid-publish and prints
the figures; this reduced one leaves that out to stay near a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_pulling_the_plug_on_a_web_host_and_redis_loses_and_doubles_nothing():
    environment = {
        **os.environ,
        "CLUSTER_REDUCED": "1",
        "CLUSTER_POSTS": "4",
        "CLUSTER_WITHDRAWALS": "2",
        "CLUSTER_SECONDS": "2",
        "CLUSTER_READERS": "8",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("REDIS_URL", None)  # the cluster runs its own, to restart it
    result = subprocess.run(  # noqa: S603
        [sys.executable, "bench/cluster.py"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    figures = json.loads(result.stdout[result.stdout.index("{") :])
    assert figures["failures"] == [], result.stderr[-3000:]
    assert result.returncode == 0
    # Every post reached its network once; readers never saw an error page.
    assert figures["posts_on_networks"] == figures["posts_expected"] == 8
    assert figures["deliveries_by_status"] == {"sent": 8}
    assert set(figures["readers_during_faults"]) == {"200"}
    # The withdrawal during the S3 outage waited, then every copy left the bucket.
    assert figures["removals_waiting_during_s3_outage"] == 1
    assert figures["withdrawn_copies"] > 0
    assert figures["withdrawn_copies_left_in_s3"] == 0
    # Two cron processes, each job once per slot.
    assert figures["cron_processes"] == 2
    assert figures["scheduled_job_runs"] > 0
