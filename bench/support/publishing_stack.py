"""A throwaway stack for the publishing benchmarks: a fresh database, the embedded
Redis (or REDIS_URL), the four network emulators, the public media served over HTTP
(Instagram fetches photos itself), and one real rq worker process.

Each bench script calls `PublishingStack()` as a context manager; everything it
starts is stopped on the way out, and its temporary directory removed.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def procfile_worker_command() -> list[str]:
    """The Procfile's worker line, so the bench measures what production runs."""
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.startswith("worker:"):
            words = line.split(":", 1)[1].split()
            return [sys.executable if word == "python" else word for word in words]
    raise RuntimeError("The Procfile has no worker process")


sys.path.insert(0, str(BASE_DIR))


class PublishingStack:
    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="publishing-bench-"))
        self.worker: subprocess.Popen | None = None
        self.worker_stop_seconds = 30
        self.redis = None

    def __enter__(self) -> PublishingStack:
        from config.embedded_redis import EmbeddedRedis
        from emulators.bluesky import BlueskyEmulator
        from emulators.facebook import DEMO_FACEBOOK_APP, FacebookEmulator
        from emulators.instagram import InstagramEmulator
        from emulators.x import DEMO_X_APP, XEmulator

        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
        os.environ["VAR_DIR"] = str(self.directory)
        os.environ["LOG_LEVEL"] = "WARNING"
        os.environ.setdefault(
            "EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
        )
        if not os.environ.get("REDIS_URL"):
            self.redis = EmbeddedRedis(self.directory / "redis").start()
            os.environ["REDIS_URL"] = self.redis.url
        self.x = XEmulator().start()
        self.facebook = FacebookEmulator().start()
        self.instagram = InstagramEmulator().start()
        self.bluesky = BlueskyEmulator().start()
        self.x.remaining = 10**9  # the bench measures us, not X's rate limit
        self.instagram.publishing_limit = 10**9  # nor Instagram's 50 a day
        self.public_web = _serve_public_media(self.directory / "public-media")
        os.environ.update(
            SOCIAL_X_API_BASE_URL=self.x.base_url,
            SOCIAL_FACEBOOK_GRAPH_BASE_URL=self.facebook.base_url,
            SOCIAL_INSTAGRAM_GRAPH_BASE_URL=self.instagram.base_url,
            SOCIAL_BLUESKY_PDS_URL=self.bluesky.base_url,
            SITE_URL=f"http://127.0.0.1:{self.public_web.server_address[1]}",
            SOCIAL_X_CONSUMER_KEY=DEMO_X_APP["consumer_key"],
            SOCIAL_X_CONSUMER_SECRET=DEMO_X_APP["consumer_secret"],
            SOCIAL_FACEBOOK_APP_ID=DEMO_FACEBOOK_APP["app_id"],
            SOCIAL_FACEBOOK_APP_SECRET=DEMO_FACEBOOK_APP["app_secret"],
        )
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            self._fresh_postgres_database()
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        import django_rq

        django_rq.get_connection("publishing").flushdb()
        return self

    def _fresh_postgres_database(self) -> None:
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        name = f"bench_publishing_{os.getpid()}"
        subprocess.run(  # noqa: S603
            ["psql", f"{url}/postgres", "-qc", f"CREATE DATABASE {name}"],  # noqa: S607
            check=True,
        )
        self._postgres = (url, name)
        os.environ["DATABASE_URL"] = f"{url}/{name}"

    def start_worker(
        self, *, log: Path | None = None, profile: str | None = None
    ) -> None:
        """One worker process, as the Procfile runs it; its log to ``log`` if given
        (else to this process's stderr); run under cProfile, writing ``profile``
        when it stops, if given."""
        command = procfile_worker_command()
        if profile:
            command[1:1] = ["-m", "cProfile", "-o", profile]
            self.worker_stop_seconds = 300  # writing the profile takes a while
        self.worker = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=log.open("ab") if log is not None else None,
        )

    def wait_until(self, condition, *, timeout: float) -> float:
        """Poll ``condition`` until true; return the seconds it took."""
        started = time.perf_counter()
        while not condition():
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"not done within {timeout} s")
            time.sleep(0.01)
        return time.perf_counter() - started

    def __exit__(self, *exc_info) -> None:
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=self.worker_stop_seconds)
        self.x.stop()
        self.facebook.stop()
        self.instagram.stop()
        self.bluesky.stop()
        self.public_web.shutdown()
        self.public_web.server_close()
        from django.db import connections

        connections.close_all()
        if getattr(self, "_postgres", None):
            url, name = self._postgres
            subprocess.run(  # noqa: S603
                ["psql", f"{url}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],  # noqa: S607
                check=False,
            )
        if self.redis is not None:
            self.redis.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _serve_public_media(root: Path) -> http.server.ThreadingHTTPServer:
    """The public media over HTTP at /media/public/, as nginx serves it."""

    class PublicFiles(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            return super().translate_path("/" + path.removeprefix("/media/public/"))

        def log_message(self, format, *args):  # noqa: A002 (the library's name)
            return

    root.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(PublicFiles, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


#: The accounts cycle through the four networks.
NETWORKS = ("x", "facebook", "instagram", "bluesky")


def make_school(*, accounts: int):
    """Staff, a news index and ``accounts`` connected accounts (X, Facebook,
    Instagram and Bluesky in turn), and a photo with no pupils for Instagram."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Site

    from cms.models import NewsIndexPage
    from emulators.bluesky import DEMO_BLUESKY_ACCOUNT
    from emulators.facebook import DEMO_FACEBOOK_PAGE
    from emulators.instagram import DEMO_INSTAGRAM_ACCOUNT
    from emulators.x import DEMO_X_ACCOUNT
    from publishing.models import SocialAccount
    from publishing.services.accounts import account_credentials_store

    User = get_user_model()
    head = User.objects.create(username="head", email="head@school.example")
    deputy = User.objects.create(username="deputy", email="deputy@school.example")
    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    created = []
    for number in range(accounts):
        network = NETWORKS[number % len(NETWORKS)]
        visibility = "open" if network in ("instagram", "bluesky") else "closed"
        account = SocialAccount.objects.create(
            name=f"Account {number}",
            network=network,
            aim="a", audience="a", promotion_plan="a", visibility=visibility,
            access_locations="a", monitoring_plan="a", escalation_procedure="a",
            owner=head, proposed_by=deputy, status="approved",
        )  # fmt: skip
        account.managers.set([head, deputy])
        credentials = {
            "x": DEMO_X_ACCOUNT,
            "facebook": DEMO_FACEBOOK_PAGE,
            "instagram": DEMO_INSTAGRAM_ACCOUNT,
            "bluesky": DEMO_BLUESKY_ACCOUNT,
        }[network]
        account_credentials_store(account=account, credentials=credentials, by=head)
        created.append(account)
    return index, created


def school_photo():
    """A photo declared free of identifiable pupils (Instagram posts need one)."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image
    from wagtail.images import get_image_model

    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "seagreen").save(out, "JPEG")
    return get_image_model().objects.create(
        title="The school garden",
        description="The school garden in spring",
        file=ImageFile(out, name="garden.jpg"),
        no_identifiable_learners=True,
    )


def news_page(index, *, title: str, accounts, photo=None):
    """A draft news page with a post for each account (unique text per post); the
    photo goes to the Instagram accounts, which take no post without one."""
    from cms.models import NewsPage
    from publishing.models import SocialPost

    page = index.add_child(
        instance=NewsPage(title=title, summary="s", live=False, listing_image=photo)
    )
    SocialPost.objects.bulk_create(
        SocialPost(
            page=page,
            account=account,
            text=f"{title} for {account.name}",
            include_image=account.network == "instagram",
        )
        for account in accounts
    )
    return page
