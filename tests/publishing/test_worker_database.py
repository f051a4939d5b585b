"""The worker survives its database connection dying (a PostgreSQL restart).

On PostgreSQL (DATABASE_URL) the worker's own server process is ended from another
connection with ``pg_terminate_backend``, which is what a restart does to every
connection; on SQLite the worker's database handle is closed under it. Either way
the long-lived worker must carry on without anyone restarting it. The worker runs in
this process (as rq's burst mode does in the other ledger tests), so its connection
is the test's own: the test is transactional so that nothing hides behind a
transaction that the dead connection would take with it.
"""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection, connections
from rq import SimpleWorker

from publishing.models import Delivery, SocialPost
from publishing.queueing import delivery_enqueue_on_commit, delivery_queue
from publishing.worker import LedgerWorker
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def kill_the_workers_database_connection() -> None:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        backend_pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        finally:
            other.close()
    else:
        # Keep an in-memory test database alive while the worker's handle closes.
        name = connection.settings_dict["NAME"]
        if connection.is_in_memory_db():
            kept = sqlite3.connect(
                connection.get_connection_params()["database"], uri=True
            )
            _keep_alive.append(kept)
        connection.connection.close()
        assert name


_keep_alive: list[sqlite3.Connection] = []


def run(worker_class) -> None:
    queue = delivery_queue()
    worker_class([queue], connection=queue.connection).work(burst=True)


@pytest.fixture
def posted_page(redis_connection, news_index, x_account, publish):
    page = factories.NewsPageFactory(parent=news_index, title="Harvest festival")
    SocialPost.objects.create(page=page, account=x_account, text="Harvest festival")
    publish(page)
    return page


def test_deliveries_go_out_after_the_database_connection_dies_under_the_worker(
    posted_page, x_emulator, redis_connection
):
    queue = delivery_queue()
    delivery = Delivery.objects.get(page=posted_page)
    kill_the_workers_database_connection()

    # rq's own worker keeps the dead connection: the job fails, nothing is sent.
    run(SimpleWorker)
    assert queue.failed_job_registry.count == 1
    assert x_emulator.state()["posts"] == []

    # The ledger's worker drops it and reconnects before the next job.
    delivery_enqueue_on_commit(delivery_id=delivery.pk, attempt=0)
    run(LedgerWorker)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(x_emulator.state()["posts"]) == 1
    for kept in _keep_alive:
        kept.close()
    _keep_alive.clear()


def test_the_minute_sweep_runs_after_the_database_connection_dies(
    posted_page, x_emulator, redis_connection
):
    queue = delivery_queue()
    run(LedgerWorker)  # the post goes out
    kill_the_workers_database_connection()
    job = queue.enqueue(
        "publishing.jobs.run_scheduled_job",
        kwargs={"name": "sweep-social-deliveries"},
    )

    run(LedgerWorker)

    job.refresh()
    assert job.is_finished
    assert queue.failed_job_registry.count == 0
    assert Delivery.objects.get(page=posted_page).status == Delivery.Status.SENT
    for kept in _keep_alive:
        kept.close()
    _keep_alive.clear()
