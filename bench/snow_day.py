"""Snow-day load: the website with production settings, driven by wrk (issue 15).

Builds a big demo school (`load_demo_school --scale`, 5,000 posts by default), starts
gunicorn with the shipped gunicorn.conf.py and production settings on loopback, and
the shipped deploy/nginx.conf as a private nginx (temporary prefix, free port). Then
prints one table (requests a second, median and p99 latency) for the home page, the
news index, a news page, an urgent notice and the API listing, five ways:

  uncached       the app with its page cache off (what the first parent after a
                 change, or a member of staff, costs)
  cached         the app's page cache
  cookie/req     the same with a different analytics cookie on every request
  nginx          through the shipped nginx config (its micro-cache)
  static         nginx serving the very same bytes from a file: the physical limit

and also the time from approving an urgent notice to it showing on the home page
through every cache layer, and a web worker's memory growth over 20,000 requests.
Results go to bench/results/snow_day.json. wrk and nginx come from Debian: installed
with apt-get when missing and running as root (as `make test` does for chromium).

"one ms" is the median of a single reader's requests over one kept-open connection
for BENCH_SECONDS, uncached. The uncached, cached and cookie/req runs take turns,
BENCH_ROUNDS rounds (order rotated each round), each keeping its median run; the
cached/uncached ratio and the cookie's cost are the medians of the rounds' ratios:
measured against the same moments of the machine, not another minute's noise.

Environment: BENCH_SCALE (news posts, 5000), BENCH_SECONDS (per wrk run, 5),
BENCH_ROUNDS (5), BENCH_CONNECTIONS (32), BENCH_MEMORY_REQUESTS (20000).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SCALE = int(os.environ.get("BENCH_SCALE", "5000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "20000"))
RESULTS = BASE_DIR / "bench" / "results" / "snow_day.json"
# Both cached runs send requests made in advance by each wrk thread, a new value in
# one header on every request (20,000 each, more than a run sends), so wrk, on the same
# two cores, does the same work for both: only the header's name differs. The app
# ignores X-Bench-Request; Cookie is what a parent's analytics would send.
REQUEST_SCRIPT = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local made, size, sent = {}, 20000, 0
init = function(args)
  for i = 1, size do
    local value = "_ga=GA1.2." .. id .. "." .. i
      .. "; _fbp=fb.1." .. math.random(1, 1e9)
    made[i] = wrk.format(nil, nil, {["%s"] = value})
  end
end
request = function()
  sent = sent + 1
  return made[(sent - 1) %% size + 1]
end
"""
MODES = ("uncached", "cached", "cookie/req", "nginx", "static")
#: What production settings need to serve the site on loopback, for benchmarks only.
PRODUCTION_ON_LOOPBACK = {
    "SECRET_KEY": "snow-day-bench-only",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SOCIAL_CREDENTIALS_KEY": "c25vdy1kYXktYmVuY2gtb25seS1jcmVkZW50aWFscyE=",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    "WEB_ACCESS_LOG": "",
    "WEB_MAX_REQUESTS": "0",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_debian_tools() -> None:
    """wrk and nginx from Debian, installed when missing (root only)."""
    missing = [name for name in ("wrk", "nginx") if not _which(name)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"Install {' and '.join(missing)} (Debian packages) first.")
    subprocess.run(["apt-get", "update", "-q"], check=True)  # noqa: S607
    subprocess.run(  # noqa: S603
        ["apt-get", "install", "-y", "-q", *missing],  # noqa: S607
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")


def wait_for_http(port: int, path: str = "/", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()


def one_request_ms(url: str) -> float:
    """Median time of a request on its own: one reader, no other load, in ms.

    One connection kept open, as a browser keeps it, for ``SECONDS``: hundreds of
    requests, so one slow moment does not move the median.
    """
    return wrk(url, connections=1)["median_ms"]


def warm(port: int, path: str, *, times: int = 40) -> None:
    """Every worker has imported, compiled its templates and made its renditions.

    Half the requests carry a session cookie: they skip the page cache, so each
    worker renders the page once, as a worker that has served for a while has.
    """
    for number in range(times):
        fetch(port, path, headers={"Cookie": "sessionid=warm"} if number % 2 else {})


def wrk(
    url: str, *, script: Path | None = None, connections: int = CONNECTIONS
) -> dict:
    """Requests a second, median and p99 in ms (wrk -tT -cN --latency)."""
    threads = min(2, connections)
    command = [
        _which("wrk"), f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", "--latency"
    ]  # fmt: skip
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    figures = wrk_figures(output)
    if figures["errors"]:
        raise RuntimeError(f"{url} did not answer every request well:\n{output}")
    del figures["socket_errors"]
    return figures


def wrk_figures(output: str) -> dict:
    """Requests a second, median and p99 in ms, the answers that were not 2xx or 3xx
    (``errors``) and the requests that got no answer (``socket_errors``: refused,
    cut off or timed out), from the output of ``wrk --latency``."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )

    def percentile(label: str) -> float:
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": round(rate, 1),
        "median_ms": round(percentile("50"), 2),
        "p99_ms": round(percentile("99"), 2),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
    }


def in_turns(runs: dict[str, tuple[str, Path | None]]) -> dict:
    """The app uncached, cached, and cached with a new cookie per request, in turns.

    ``ROUNDS`` rounds of one run each, the order rotated every round, so the three
    meet the same moments of a shared machine (it drifts by tens of per cent from one
    run to the next, more than the cookie could cost). Each mode keeps its median
    run; the ratios the targets compare are the medians of each round's ratio.
    """
    results: dict[str, list[dict]] = {mode: [] for mode in runs}
    order = list(runs)
    for _ in range(ROUNDS):
        for mode in order:
            url, script = runs[mode]
            results[mode].append(wrk(url, script=script))
        order = order[1:] + order[:1]

    def median_ratio(numerator: str, denominator: str) -> float:
        ratios = sorted(
            top["rps"] / bottom["rps"]
            for top, bottom in zip(
                results[numerator], results[denominator], strict=True
            )
        )
        return ratios[len(ratios) // 2]

    return {
        **{
            mode: {
                **sorted(mode_runs, key=lambda run: run["rps"])[len(mode_runs) // 2],
                "rounds_rps": [run["rps"] for run in mode_runs],
            }
            for mode, mode_runs in results.items()
        },
        "cached_over_uncached": round(median_ratio("cached", "uncached"), 1),
        "cookie_loss_pct": round(100 * (1 - median_ratio("cookie/req", "cached")), 1),
    }


class SnowDayStack:
    """Database, Redis, gunicorn (cached and uncached) and nginx, all on loopback."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="snow-day-bench-"))
        self.processes: list[subprocess.Popen] = []
        self.redis = None

    def __enter__(self) -> SnowDayStack:
        from config.embedded_redis import EmbeddedRedis

        self.redis = EmbeddedRedis(self.directory / "redis").start()
        self.media = self.directory / "media"
        self.env = {
            **os.environ,
            "VAR_DIR": str(self.directory),
            "MEDIA_ROOT": str(self.media),
            "PUBLIC_MEDIA_ROOT": str(self.directory / "public-media"),
            "DATABASE_URL": f"sqlite:///{self.directory / 'db.sqlite3'}",
            "REDIS_URL": self.redis.url,
            **PRODUCTION_ON_LOOPBACK,
        }
        return self

    def manage(self, *args: str, settings: str) -> str:
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, "DJANGO_SETTINGS_MODULE": settings},
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def build(self) -> None:
        self.manage("migrate", "--noinput", settings="config.settings.production")
        started = time.monotonic()
        # The demo loader refuses production settings (its sign-ins are public).
        print(
            self.manage(
                "load_demo_school",
                "--scale",
                str(SCALE),
                settings="config.settings.dev",
            ).splitlines()[0]
        )
        self.build_seconds = time.monotonic() - started
        self.manage(
            "collectstatic", "--noinput", "-v0", settings="config.settings.production"
        )

    def gunicorn(self, *, cached: bool) -> tuple[int, subprocess.Popen]:
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "-c",
                "gunicorn.conf.py",
            ],
            cwd=BASE_DIR,
            env={
                **self.env,
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "PORT": str(port),
                "PAGE_CACHE_ENABLED": "true" if cached else "false",
            },
            start_new_session=True,
        )
        self.processes.append(process)
        wait_for_http(port)
        return port, process

    def nginx(self, *, upstream_port: int, static_root: Path) -> int:
        """The shipped config with its EDIT values replaced, plus a static server."""
        port, static_port = free_port(), free_port()
        prefix = self.directory / "nginx"
        (prefix / "cache").mkdir(parents=True)
        site = (BASE_DIR / "deploy" / "nginx.conf").read_text()
        for old, new in (
            ("/var/cache/nginx/school", str(prefix / "cache")),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
            ("listen 80;", f"listen 127.0.0.1:{port};"),
            ("/srv/school/static/", f"{BASE_DIR / 'static'}/"),
            ("/srv/school/public-media/", f"{self.directory / 'public-media'}/"),
        ):
            assert old in site, old  # noqa: S101 (the shipped file changed shape)
            site = site.replace(old, new)
        (prefix / "site.conf").write_text(site)
        temp = prefix / "temp"
        (prefix / "nginx.conf").write_text(
            f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes auto;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix / "site.conf"};
    server {{
        listen 127.0.0.1:{static_port};
        root {static_root};
        default_type text/html;
    }}
}}
"""
        )
        temp.mkdir()
        process = subprocess.Popen(  # noqa: S603
            [_which("nginx"), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
             "-g", "daemon off;"],
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        wait_for_http(static_port)
        wait_for_http(port)
        self.static_port = static_port
        return port

    def __exit__(self, *exc_info) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        if self.redis is not None:
            self.redis.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def page_paths(port: int) -> dict[str, str]:
    """The five addresses, found through the API the way an app would."""
    _, body = fetch(port, "/api/v2/pages/?type=cms.NewsPage&limit=1")
    story = json.loads(body)["items"][0]["meta"]["html_url"].split("//", 1)[1]
    return {
        "home": "/",
        "news index": "/news/?page=3",
        "news page": "/" + story.split("/", 1)[1],
        "urgent notice": "/notices/snow-closure/",
        "API listing": (
            "/api/v2/pages/?type=cms.NewsPage&fields=date,summary,categories,"
            "listing_image_thumbnail&limit=10"
        ),
    }


def publish_urgent_notice(stack: SnowDayStack, *, slug: str, title: str) -> float:
    """Publish an urgent pinned notice the way approval does; prints when it began."""
    script = f"""
import django, time
django.setup()
from cms.models import NoticeIndexPage, NoticePage
index = NoticeIndexPage.objects.get(slug="notices")
page = NoticePage(title={title!r}, slug={slug!r}, kind="urgent", pinned=True,
                  message="<p>School is closed today because of snow.</p>", live=False)
index.add_child(instance=page)  # a draft: never live before the publish below
revision = page.save_revision()
import sys
sys.stdin.readline()
approved_at = time.time()
revision.publish()
print(approved_at, flush=True)
"""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**stack.env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process


def approval_to_visible(stack: SnowDayStack, *, ports: dict[str, int]) -> dict:
    """Seconds from an urgent notice's approval (its publish beginning) to its title
    on the home page.

    Readers keep asking for the home page all along (every 20 ms, before, during and
    after the publish), as parents do on a snow morning: each layer's copy is as old
    as it gets in a burst, not one left to expire while nobody looked.
    """
    title = f"Snow: school closed {time.time():.0f}"
    process = publish_urgent_notice(stack, slug=f"snow-{int(time.time())}", title=title)
    seen: dict[str, float] = {}
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set() and len(seen) < len(ports):
            for layer, port in ports.items():
                if layer not in seen and title.encode() in fetch(port, "/")[1]:
                    seen[layer] = time.time()
            time.sleep(0.02)

    reader = threading.Thread(target=keep_reading, daemon=True)
    reader.start()
    try:
        time.sleep(3)  # the draft is saved; the readers get the old home page
        process.stdin.write("\n")
        process.stdin.flush()
        approved_at = float(process.stdout.readline())
        reader.join(timeout=30)
    finally:
        stop.set()
        process.wait(timeout=30)
    return {
        layer: round(seen[layer] - approved_at, 2) if layer in seen else float("inf")
        for layer in ports
    }


def worker_memory(process: subprocess.Popen) -> dict[int, int]:
    """Resident memory (kB) of each gunicorn worker under ``process``."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    sizes = {}
    for pid in children.read_text().split():
        status = Path(f"/proc/{pid}/status").read_text()
        sizes[int(pid)] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return sizes


def memory_after_requests(port: int, process, paths: dict[str, str]) -> dict:
    urls = list(paths.values())
    for url in urls * 20:  # warm every worker
        fetch(port, url)
    before = worker_memory(process)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for number in range(MEMORY_REQUESTS):
        url = urls[number % len(urls)]
        separator = "&" if "?" in url else "?"
        # Cache-busting parameters too (the API refuses unknown ones: tracking only).
        junk = "utm_source=snow" if url.startswith("/api/") else f"x={number}"
        connection.request("GET", f"{url}{separator}{junk}")
        connection.getresponse().read()
    after = worker_memory(process)
    growth = {pid: (after[pid] - before[pid]) / 1024 for pid in before if pid in after}
    return {
        "requests": MEMORY_REQUESTS,
        "workers": len(before),
        "max_growth_mb": round(max(growth.values()), 1),
        "rss_after_mb": round(max(after.values()) / 1024, 1),
    }


def main() -> int:
    ensure_debian_tools()
    results: dict = {}
    with SnowDayStack() as stack:
        stack.build()
        uncached_port, _ = stack.gunicorn(cached=False)
        cached_port, cached_process = stack.gunicorn(cached=True)
        static_root = stack.directory / "static-copy"
        static_root.mkdir()
        # The urgent notice the table measures.
        stack.manage(
            "shell",
            "-c",
            "from cms.models import NoticeIndexPage, NoticePage;"
            "i=NoticeIndexPage.objects.get(slug='notices');"
            "p=NoticePage(title='Snow: school closed', slug='snow-closure',"
            " kind='urgent', pinned=True, message='<p>Closed today.</p>');"
            "i.add_child(instance=p); p.save_revision().publish()",
            settings="config.settings.production",
        )
        paths = page_paths(cached_port)
        for name, path in paths.items():
            status, body = fetch(cached_port, path)
            assert status == 200, (name, path, status)  # noqa: S101
            (static_root / f"{name.replace(' ', '-')}.html").write_bytes(body)
        nginx_port = stack.nginx(upstream_port=cached_port, static_root=static_root)
        scripts = {
            "cached": stack.directory / "fresh-request.lua",
            "cookie/req": stack.directory / "cookie.lua",
        }
        scripts["cached"].write_text(REQUEST_SCRIPT % "X-Bench-Request")
        scripts["cookie/req"].write_text(REQUEST_SCRIPT % "Cookie")
        for name, path in paths.items():
            warm(uncached_port, path)
            warm(cached_port, path)
            fetch(nginx_port, path)  # the burst meets a filled micro-cache
            row = {
                "one_request_ms": one_request_ms(
                    f"http://127.0.0.1:{uncached_port}{path}"
                )
            }
            row.update(
                in_turns(
                    {
                        "uncached": (f"http://127.0.0.1:{uncached_port}{path}", None),
                        **{
                            mode: (f"http://127.0.0.1:{cached_port}{path}", script)
                            for mode, script in scripts.items()
                        },
                    }
                )
            )
            row["nginx"] = wrk(f"http://127.0.0.1:{nginx_port}{path}")
            row["static"] = wrk(
                f"http://127.0.0.1:{stack.static_port}/{name.replace(' ', '-')}.html"
            )
            results[name] = row
            print_row(name, row)
        latency = [
            approval_to_visible(stack, ports={"app": cached_port, "nginx": nginx_port})
            for _ in range(3)
        ]
        memory = memory_after_requests(cached_port, cached_process, paths)
        build_seconds = stack.build_seconds
    summary = summarise(results, latency, memory, build_seconds)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print_summary(summary)
    return 0


def print_row(name: str, row: dict) -> None:
    if name == "home":
        header = " | ".join(f"{mode:>22}" for mode in MODES)
        print(f"{'page':<14} | {'one ms':>6} | {header}")
        print(
            f"{'':<14} | " + " | ".join(f"{'req/s  med   p99 ms':>22}" for _ in MODES)
        )
    cells = " | ".join(
        f"{row[m]['rps']:>8.0f} {row[m]['median_ms']:>6.1f} {row[m]['p99_ms']:>6.1f}"
        for m in MODES
    )
    print(f"{name:<14} | {row['one_request_ms']:>6.1f} | {cells}", flush=True)


def summarise(results, latency, memory, build_seconds) -> dict:
    home = results["home"]
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "processor": _cpu_name(),
            "python": platform.python_version(),
            "system": platform.platform(),
            "database": "SQLite (WAL)",
            "wrk": f"-t2 -c{CONNECTIONS} -d{SECONDS}s",
            "app_rounds": ROUNDS,
        },
        "scale": {"news": SCALE, "images": SCALE // 10, "learners": 2 * SCALE // 5},
        "build_seconds": round(build_seconds, 1),
        "pages": results,
        "targets": {
            "cached_over_uncached_home": home["cached_over_uncached"],
            "cookie_loss_pct": home["cookie_loss_pct"],
            "cookie_loss_pct_by_page": {
                name: row["cookie_loss_pct"] for name, row in results.items()
            },
            "nginx_over_static_pct": round(
                100 * home["nginx"]["rps"] / home["static"]["rps"], 1
            ),
            "urgent_notice_visible_s": latency,
            "worker_memory": memory,
            "uncached_one_request_ms": {
                name: row["one_request_ms"] for name, row in results.items()
            },
        },
    }


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def print_summary(summary: dict) -> None:
    targets = summary["targets"]
    print(
        f"home cached / uncached: {targets['cached_over_uncached_home']}x "
        "(target >= 40x)"
    )
    print(
        f"different cookie per request loses {targets['cookie_loss_pct']} % "
        f"(target < 10 %); every page: {targets['cookie_loss_pct_by_page']}"
    )
    print(
        f"through nginx: {targets['nginx_over_static_pct']} % of static "
        "(target >= 50 %)"
    )
    print(
        "urgent notice approved -> on the home page through nginx: "
        f"{targets['urgent_notice_visible_s']} s (target < 2 s)"
    )
    memory = targets["worker_memory"]
    print(
        f"worker memory after {memory['requests']} requests: grew "
        f"{memory['max_growth_mb']} MB at most ({memory['rss_after_mb']} MB) "
        "(target < 20 MB)"
    )
    print(f"one uncached request (ms): {targets['uncached_one_request_ms']}")
    print(f"dataset built in {summary['build_seconds']} s; results in {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
