"""The back office for browser journeys: a real rq worker and cron beside the site.

Journeys drive the live server in the test process; the worker (`manage.py rqworker`,
with its scheduler) and cron (`manage.py rqcron config.cron`) run as the Procfile runs
them, in their own processes, against the same test database, the same Redis and the
loopback X and Facebook emulators. The test database is a file (see the test settings)
so that those processes can open it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
PROCESSES = {
    "worker": [
        "rqworker",
        "--worker-class",
        "publishing.worker.LedgerWorker",
        "--with-scheduler",
        "default",
        "publishing",
        "alerts",
    ],
    "cron": ["rqcron", "config.cron"],
}


def database_url() -> str:
    """The URL of the database this test runs on, for another process to open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@dataclass
class BackOffice:
    """The running worker and cron; `.log(name)` reads what a process wrote."""

    logs: dict[str, Path]

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")


@pytest.fixture
def back_office(
    transactional_db, live_server, settings, x_emulator, facebook_emulator, tmp_path
) -> Iterator[BackOffice]:
    """Start worker and cron against the live server's database and the emulators."""
    settings.SOCIAL_X_API_BASE_URL = x_emulator.base_url
    settings.SOCIAL_FACEBOOK_GRAPH_BASE_URL = facebook_emulator.base_url
    settings.SOCIAL_X_CONSUMER_KEY = x_emulator.app_credentials["consumer_key"]
    settings.SOCIAL_X_CONSUMER_SECRET = x_emulator.app_credentials["consumer_secret"]
    settings.SITE_URL = live_server.url
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "SOCIAL_X_API_BASE_URL": x_emulator.base_url,
        "SOCIAL_FACEBOOK_GRAPH_BASE_URL": facebook_emulator.base_url,
        "SOCIAL_X_CONSUMER_KEY": settings.SOCIAL_X_CONSUMER_KEY,
        "SOCIAL_X_CONSUMER_SECRET": settings.SOCIAL_X_CONSUMER_SECRET,
        "SITE_URL": live_server.url,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    processes, logs = [], {}
    for name, args in PROCESSES.items():
        logs[name] = tmp_path / f"{name}.log"
        processes.append(
            subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                [sys.executable, "manage.py", *args],
                cwd=BASE_DIR,
                env=env,
                stdout=logs[name].open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    yield BackOffice(logs=logs)
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
