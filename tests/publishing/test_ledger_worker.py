"""The worker process the Procfile runs: heartbeats, and no orphans when it is killed.

A real `manage.py rqworker --worker-class publishing.worker.LedgerWorker
--with-scheduler` process against the real Redis, killed with SIGKILL mid-job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from publishing.queueing import delivery_queue

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    return [int(child) for child in path.read_text().split()]


def is_alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.1)


def start_worker(tmp_path: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        REDIS_URL=settings.RQ_QUEUES["publishing"]["URL"],
        VAR_DIR=str(tmp_path),
        PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS="30",
    )
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "--worker-class",
            "publishing.worker.LedgerWorker",
            "--with-scheduler",
            "publishing",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_a_killed_worker_takes_its_scheduler_along_and_its_job_lapses_in_30_s(
    redis_connection, tmp_path
):
    queue = delivery_queue()
    job = queue.enqueue("time.sleep", 120, job_timeout=300)
    registry = queue.started_job_registry
    worker = start_worker(tmp_path)
    try:
        wait_for(
            lambda: job.id in registry.get_job_ids(cleanup=False),
            timeout=START_TIMEOUT,
            what="the worker started the job",
        )
        wait_for(
            lambda: children_of(worker.pid),
            timeout=START_TIMEOUT,
            what="the worker forked its scheduler",
        )
        [scheduler] = children_of(worker.pid)
        now = time.time()
        # A running job: registered now, and lapsing within the heartbeat's 30 s
        # (rq's own SimpleWorker would keep it for the job timeout plus a minute).
        assert job.id not in registry.get_expired_job_ids(timestamp=now)
        assert job.id in registry.get_expired_job_ids(timestamp=now + 31)

        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        wait_for(
            lambda: not is_alive(scheduler),
            timeout=10,
            what="the scheduler died with its worker",
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    # Nothing renews the dead job's heartbeat: 30 s on, it is known to be dead.
    assert job.id in registry.get_expired_job_ids(timestamp=time.time() + 31)
