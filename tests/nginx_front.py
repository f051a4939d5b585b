"""The shipped ``deploy/nginx.conf`` as a private nginx on loopback, in front of a test
server: only its lines marked EDIT are replaced, as a school would.

nginx comes from Debian; ``tests/ensure-nginx`` (run by ``make test``) installs it.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
SHIPPED = BASE_DIR / "deploy" / "nginx.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/bin")
    if found is None:
        raise RuntimeError(
            "These tests run the shipped deploy/nginx.conf and need Debian's nginx: "
            "run tests/ensure-nginx (make test does) or 'sudo apt-get install nginx'."
        )
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def shipped_nginx(
    *, upstream_port: int, public_media_root: Path, static_root: Path
) -> Iterator[int]:
    """Run the shipped config; yields the port it listens on (127.0.0.1)."""
    binary = nginx_binary()
    port = _free_port()
    prefix = Path(tempfile.mkdtemp(prefix="school-nginx-"))
    (prefix / "cache").mkdir()
    (prefix / "temp").mkdir()
    site = SHIPPED.read_text()
    for old, new in (
        ("/var/cache/nginx/school", str(prefix / "cache")),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("/srv/school/static/", f"{static_root}/"),
        ("/srv/school/public-media/", f"{public_media_root}/"),
    ):
        assert old in site, f"deploy/nginx.conf no longer has {old!r}"
        site = site.replace(old, new)
    (prefix / "site.conf").write_text(site)
    temp = prefix / "temp"
    (prefix / "nginx.conf").write_text(
        f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix / "site.conf"};
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603
        [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
         "-g", "daemon off;"],
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_until_listening(port, process)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
        shutil.rmtree(prefix, ignore_errors=True)


def _wait_until_listening(port: int, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("nginx refused the shipped config (see its error log)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start listening")


def get(port: int, path: str, headers: dict[str, str] | None = None):
    """(status, headers, body) of a GET through nginx, as a parent's browser asks."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET", path, headers={"Host": "localhost", **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()
