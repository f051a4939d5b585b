"""gunicorn settings, sized from the machine (read by `gunicorn -c gunicorn.conf.py`).

Threaded workers (``gthread``): a page render waits on the database and Redis, and a
thread can serve a cached page meanwhile; keep-alive connections from nginx are kept.
Workers default to ``2 × cores + 1`` (gunicorn's own advice), threads to 4 each.
Every number can be set from the environment; docs/operations/configuration.md lists
them.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", "4"))
# nginx keeps connections open to the workers; a little longer than its own timeout.
keepalive = int(os.environ.get("WEB_KEEPALIVE_SECONDS", "75"))
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS", "30"))
graceful_timeout = timeout
# Recycle a worker after this many requests (0: never); a guard, not a need: a worker
# grows by a few MB over 20,000 requests (make bench).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
# Let nginx (not gunicorn) decide which client addresses to trust.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_int(worker):
    """SIGINT or SIGQUIT, gunicorn's "stop now" (`make run` stops web with it): leave
    at once. Python would otherwise wait at exit for the worker's threads, which wait
    up to 5 s for the first bytes on connections a browser opened ahead of time, and
    `make run`'s process manager kills whatever has not stopped 5 s after the first
    process did. A graceful stop (SIGTERM) is unchanged."""
    os._exit(0)
