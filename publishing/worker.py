"""The rq worker the Procfile runs: survives a dead database, heartbeats, no orphans.

`LedgerWorker` is rq's `SimpleWorker` (jobs run in the worker process itself: no fork
per job, so a thousand deliveries drain in seconds) with three additions, all for
exactly-once delivery in production:

- **The database**: a long-lived worker is not a web request, so Django never drops
  its dead connections for it. Around every job (sends, the minute sweep, the cron
  jobs) connections that errored, grew old or no longer answer are closed, and the
  next query opens a new one. After a PostgreSQL restart the next job simply
  reconnects.
- **Heartbeats**: while a job runs, a thread renews its entry in rq's
  StartedJobRegistry every third of ``PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS``. If
  the worker dies (SIGKILL, out of memory, the machine) the entry lapses within that
  time, and the sweep knows the send is dead rather than slow
  (`publishing.queueing.delivery_job_running`).
- **No orphans**: every process it forks (rq's scheduler, with ``--with-scheduler``)
  is killed by the kernel when the worker dies, so a replacement worker runs the
  scheduler instead of a leftover one holding its lock.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from rq.worker import SimpleWorker

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_forking_pid = 0
_children_tied = False


def database_connections_refresh() -> None:
    """Drop database connections that died or aged; the next query opens a new one.

    Django does this around web requests only. Here each open connection is also
    asked a trivial question, because a server restart (PostgreSQL) or a closed
    handle (SQLite) is only noticed when the connection is used. A connection inside
    a transaction (a test's, or a caller's) is never touched.
    """
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        connection.close_if_unusable_or_obsolete()
        if connection.connection is None or _answers(connection):
            continue
        logger.warning(
            "Database connection %r is dead; opening a new one",
            connection.alias,
            extra={"event": "publishing.worker_database_reconnect"},
        )
        connection.close()
        # Django never closes an in-memory SQLite database (it would vanish); a
        # handle that is already closed is dropped so that a new one is opened.
        connection.connection = None


def _answers(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _remember_forking_process() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _die_with_parent() -> None:
    """In a forked child: ask the kernel to kill us when the worker dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        logger.warning(
            "Could not tie a child process to the worker's life (errno %s)",
            ctypes.get_errno(),
            extra={"event": "publishing.worker_child_untied"},
        )
        return
    if os.getppid() != _forking_pid:
        os._exit(1)  # the worker died before the request took effect


def children_die_with_this_process() -> None:
    """From now on, every child this process forks dies when it does."""
    global _children_tied
    if not _children_tied:
        os.register_at_fork(
            before=_remember_forking_process, after_in_child=_die_with_parent
        )
        _children_tied = True


class LedgerWorker(SimpleWorker):
    """rq's SimpleWorker with database hygiene and heartbeats during each job."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        children_die_with_this_process()

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        """How long a running job's registry entry lives without a heartbeat."""
        return settings.PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS

    def perform_job(self, job, queue, execution) -> bool:
        database_connections_refresh()
        stop = threading.Event()
        beating = threading.Thread(
            target=self._beat,
            args=(job, execution, stop),
            name=f"heartbeat {job.id}",
            daemon=True,
        )
        beating.start()
        try:
            return super().perform_job(job, queue, execution)
        finally:
            stop.set()
            beating.join()
            database_connections_refresh()

    def _beat(self, job, execution, stop: threading.Event) -> None:
        interval = max(1.0, settings.PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS / 3)
        while not stop.wait(interval):
            try:
                self.maintain_heartbeats(job, execution)
            except Exception:  # noqa: BLE001
                # Redis unreachable: the entry lapses and the sweep (or, without
                # Redis, PUBLISHING_SENDING_TIMEOUT_SECONDS) decides. Logged, and the
                # job itself carries on.
                logger.warning(
                    "Could not renew the heartbeat of job %s",
                    job.id,
                    exc_info=True,
                    extra={"event": "publishing.worker_heartbeat_failed"},
                )
