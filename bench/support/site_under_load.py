"""The public website answering its snow-day load while another benchmark runs.

The website as bench/snow_day.py serves it: gunicorn with the shipped
gunicorn.conf.py and production settings (page cache on), on loopback, sharing the
benchmark's database, Redis and media; and wrk (the snow day's load generator)
asking it for the pages parents open on a snow morning, in turn, over
``connections`` kept-open connections, until told to stop. What wrk measured (requests
a second, median and p99, answers that were not 2xx/3xx, requests with no answer)
comes back as a dict.

Use inside a ``PublishingStack`` (its database is migrated and its environment set):

    with PublicSite() as site:
        with site.load(paths) as load:
            ...  # the work measured
        load.figures
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.snow_day import (
    PRODUCTION_ON_LOOPBACK,
    _which,
    ensure_debian_tools,
    fetch,
    free_port,
    wait_for_http,
    wrk_figures,
)

BASE_DIR = Path(__file__).resolve().parents[2]
#: wrk runs until stopped; this only bounds a benchmark that never stops it.
LONGEST_RUN = "3600s"
ROTATE_PATHS = """
local paths = {%s}
local sent = 0
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) %% #paths + 1])
end
"""


class PublicSite:
    """gunicorn with production settings on a free loopback port."""

    def __init__(self) -> None:
        from django.conf import settings

        # Production settings take the database only from DATABASE_URL.
        database = os.environ.get("DATABASE_URL") or (
            f"sqlite:///{settings.DATABASES['default']['NAME']}"
        )
        self.env = {
            **os.environ,
            **PRODUCTION_ON_LOOPBACK,
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "PAGE_CACHE_ENABLED": "true",
        }
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> PublicSite:
        ensure_debian_tools()
        subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "-c",
                "gunicorn.conf.py",
            ],
            cwd=BASE_DIR,
            env={**self.env, "PORT": str(self.port)},
            start_new_session=True,
        )
        wait_for_http(self.port)
        return self

    def fetch(self, path: str) -> None:
        """One request, which must be answered well (the load's pages exist)."""
        status, _ = fetch(self.port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status} before the load began")

    def load(self, paths: list[str], *, connections: int) -> SiteLoad:
        return SiteLoad(self.port, paths, connections=connections)

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class SiteLoad:
    """wrk asking for ``paths`` in turn until the block ends; then ``figures``."""

    def __init__(self, port: int, paths: list[str], *, connections: int) -> None:
        self.port = port
        self.paths = paths
        self.connections = connections
        self.figures: dict = {}
        self._script = Path(tempfile.mkstemp(prefix="site-load-", suffix=".lua")[1])

    def __enter__(self) -> SiteLoad:
        quoted = ", ".join(f'"{path}"' for path in self.paths)
        self._script.write_text(ROTATE_PATHS % quoted)
        self.process = subprocess.Popen(  # noqa: S603
            [
                _which("wrk"),
                f"-t{min(2, self.connections)}",
                f"-c{self.connections}",
                f"-d{LONGEST_RUN}",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(self._script),
                f"http://127.0.0.1:{self.port}/",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc_info) -> None:
        # wrk stops on SIGINT and prints what it measured until then.
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=60)
        self._script.unlink(missing_ok=True)
        if exc_info[0] is None:
            self.figures = wrk_figures(output)
