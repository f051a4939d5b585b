"""A page rendered in full: the CPU time and queries of one render (issue 22).

Every content change retires every cached page, so on a snow morning each approval
is followed by a burst of full renders. This renders the home page and a news page
in full, in process, the way a reader who carries a session cookie gets them (the
page cache steps aside for a session cookie), with production settings, and prints
the median CPU time (``time.process_time``: the machine is shared and wall time is
noisy) and the queries of one render. Target: the home page under 8 ms.

Then, unless BENCH_DIP=0, the throughput dip after an approval: gunicorn with the
production settings and page cache, wrk-like readers (threads in this process) on the
home page, and a notice published by approval half-way through; requests a second
in each half-second before and after it.

The demo school (``load_demo_school --scale``) is built once into
var/bench-full-render/ and reused (BENCH_REBUILD=1 builds it again).

    .venv/bin/python bench/full_render.py

Environment: BENCH_SCALE (news posts, 5000), BENCH_RENDERS (per page, 200),
BENCH_DIP (1), BENCH_DIP_SECONDS (readers' run either side of the approval, 4),
BENCH_READERS (concurrent readers, 16).
"""

from __future__ import annotations

import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SCALE = int(os.environ.get("BENCH_SCALE", "5000"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "200"))
DIP = os.environ.get("BENCH_DIP", "1") != "0"
DIP_SECONDS = float(os.environ.get("BENCH_DIP_SECONDS", "4"))
READERS = int(os.environ.get("BENCH_READERS", "16"))
DIRECTORY = BASE_DIR / "var" / "bench-full-render"
DATABASE = DIRECTORY / f"db-{SCALE}.sqlite3"
HOST = "127.0.0.1"
SESSION_COOKIE = "sessionid=bench-reader-with-a-session"


def environment(redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "VAR_DIR": str(DIRECTORY),
        "MEDIA_ROOT": str(DIRECTORY / "media"),
        "PUBLIC_MEDIA_ROOT": str(DIRECTORY / "public-media"),
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "full-render-bench-only",
        "ALLOWED_HOSTS": HOST,
        "SOCIAL_CREDENTIALS_KEY": "c25vdy1kYXktYmVuY2gtb25seS1jcmVkZW50aWFscyE=",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "WEB_ACCESS_LOG": "",
        "GUNICORN_CMD_ARGS": "--log-level warning",
        "WEB_MAX_REQUESTS": "0",
    }


def manage(env: dict[str, str], *args: str, settings: str) -> str:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def build(env: dict[str, str]) -> None:
    """The demo school at ``SCALE``, once; the file is reused by later runs."""
    manage(
        env, "collectstatic", "--noinput", "-v0", settings="config.settings.production"
    )
    if DATABASE.exists() and os.environ.get("BENCH_REBUILD") != "1":
        return
    if DIRECTORY.exists():
        shutil.rmtree(DIRECTORY)
    DIRECTORY.mkdir(parents=True)
    manage(env, "migrate", "--noinput", settings="config.settings.production")
    # The demo loader refuses production settings (its sign-ins are public).
    loaded = manage(
        env, "load_demo_school", "--scale", str(SCALE), settings="config.settings.dev"
    )
    print(loaded.splitlines()[0])


def news_page_path() -> str:
    """A story with a listing photo and a photo in its body, as most stories have."""
    from cms.models import NewsPage

    for page in NewsPage.objects.live().public().exclude(listing_image=None)[:200]:
        if any(block.block_type == "image" for block in page.body):
            return page.url
    return NewsPage.objects.live().public().first().url


def measure(client, path: str) -> dict:
    """Median CPU ms and queries of one full render of ``path``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):  # templates compiled, renditions read, chrome built
        assert client.get(path).status_code == 200, path  # noqa: S101
    cpu, queries = [], []
    for _ in range(RENDERS):
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = client.get(path)
            cpu.append(time.process_time() - started)
        assert response.status_code == 200, path  # noqa: S101
        assert "X-Page-Cache" not in response, "the page cache answered"  # noqa: S101
        queries.append(len(captured))
    return {
        "cpu_ms": round(1000 * statistics.median(cpu), 2),
        "cpu_ms_p90": round(1000 * statistics.quantiles(cpu, n=10)[-1], 2),
        "queries": statistics.median(queries),
    }


def full_renders(env: dict[str, str]) -> dict[str, dict]:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_COOKIE=SESSION_COOKIE)
    paths = {"home": "/", "news page": news_page_path()}
    return {
        name: {"path": path, **measure(client, path)} for name, path in paths.items()
    }


# --- The dip after an approval -----------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str]) -> tuple[int, subprocess.Popen]:
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(  # noqa: S603
        [gunicorn, "config.wsgi", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "PORT": str(port),
        },
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            fetch(port, "/")
            return port, process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse().read()


def prepared_notice(env: dict[str, str], *, title: str) -> subprocess.Popen:
    """A process holding an urgent notice's draft, saved before the readers start;
    a line on its stdin publishes it as approval does, and it prints when that began
    and how long it took.
    """
    script = f"""
import django, sys, time
django.setup()
from cms.models import NoticeIndexPage, NoticePage
index = NoticeIndexPage.objects.get(slug="notices")
page = NoticePage(title={title!r}, slug="bench-{time.time_ns()}", kind="urgent",
                  pinned=True, message="<p>Closed today.</p>", live=False)
index.add_child(instance=page)  # a draft: never live before the publish below
revision = page.save_revision()
print("ready", flush=True)
sys.stdin.readline()
approved_at = time.time()
revision.publish()
print(approved_at, time.time() - approved_at, flush=True)
"""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"  # noqa: S101
    return process


def throughput_dip(env: dict[str, str]) -> dict:
    """Home-page requests a second in half-second bins around an approval."""
    port, process = start_gunicorn(env)
    done: list[float] = []
    waits: list[tuple[float, float]] = []  # (answered at, seconds waited)
    lock = threading.Lock()
    stop = threading.Event()

    def reader() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while not stop.is_set():
            asked = time.time()
            connection.request("GET", "/")
            connection.getresponse().read()
            answered = time.time()
            with lock:
                done.append(answered)
                waits.append((answered, answered - asked))

    approval = prepared_notice(env, title=f"Snow: closed {time.time():.0f}")
    try:
        for _ in range(50):
            fetch(port, "/")  # every worker warm, the draft's generation cached
        threads = [threading.Thread(target=reader, daemon=True) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        time.sleep(DIP_SECONDS)
        approval.stdin.write("\n")
        approval.stdin.flush()
        approved_at, publish_seconds = map(float, approval.stdout.readline().split())
        approval.wait(timeout=30)
        time.sleep(DIP_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    width = 0.25
    bins = {
        step * width: 0
        for step in range(int(-DIP_SECONDS / width) + 1, int(DIP_SECONDS / width) - 1)
    }
    for moment in done:
        offset = (moment - approved_at) // width * width
        if offset in bins:
            bins[offset] += 1
    rates = {offset: count / width for offset, count in bins.items()}
    before = [rate for offset, rate in rates.items() if offset < -width]
    before_rps = statistics.median(before) if before else 0.0
    return {
        "rates": rates,
        "publish_s": publish_seconds,
        "longest_wait_after_s": max(
            (wait for answered, wait in waits if answered >= approved_at), default=0.0
        ),
        "before_rps": before_rps,
        "below_half_s": width
        * sum(
            1 for offset, rate in rates.items() if offset >= 0 and rate < before_rps / 2
        ),
        "lowest_after_rps": min(
            (rate for offset, rate in rates.items() if offset >= 0), default=0.0
        ),
    }


def main() -> int:
    from config.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(DIRECTORY.parent / "bench-full-render-redis").start()
    try:
        env = environment(redis.url)
        build(env)
        results = full_renders(env)
        print(f"{'page':<10} | {'CPU ms (median)':>15} | {'p90':>6} | {'queries':>7}")
        for name, row in results.items():
            print(
                f"{name:<10} | {row['cpu_ms']:>15.2f} | {row['cpu_ms_p90']:>6.2f} | "
                f"{row['queries']:>7}   {row['path']}"
            )
        print("target: the home page under 8 ms of CPU per full render")
        if DIP:
            dip = throughput_dip(env)
            print(f"\nhome page, {READERS} readers, requests/s around an approval:")
            for offset, rate in dip["rates"].items():
                marker = "  <- approved" if offset == 0 else ""
                print(f"  {offset:+5.1f} s  {rate:7.0f}{marker}")
            print(
                f"before: {dip['before_rps']:.0f} req/s; lowest after: "
                f"{dip['lowest_after_rps']:.0f} req/s; under half for "
                f"{dip['below_half_s']:.2f} s; longest wait after it "
                f"{dip['longest_wait_after_s']:.2f} s; the publish itself took "
                f"{dip['publish_s']:.2f} s"
            )
    finally:
        redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
