"""`manage.py load_demo_school [--if-empty] [--scale N] [--trust]`: Meadowbank Primary.

``--trust`` also loads two more schools and makes the three one trust (see
cms/demo_trust.py); without it the installation stays one school, as `make run` has it.

``--scale N`` then adds N news posts, N/10 pictures and 2N/5 learners in bulk, for
measuring (``make bench``); see cms/demo_scale.py.

Content is published directly, bypassing the moderation workflow: it is seed data for
an empty install (see cms/demo_school.py). Refuses to run with production settings.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from cms.demo_scale import demo_school_scale
from cms.demo_school import (
    DEMO_PASSWORD,
    DEMO_STAFF,
    DEMO_SUPERUSER,
    DemoRefused,
    demo_school_load,
)
from cms.demo_trust import TRUST_SCHOOLS, demo_trust_load
from cms.models import NewsIndexPage


class Command(BaseCommand):
    help = "Load the demo school: news, notices, term dates and staff sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any news page exists already.",
        )
        parser.add_argument(
            "--trust",
            action="store_true",
            help="Also load two more schools and make the three a trust.",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also add N news posts, N/10 pictures and 2N/5 learners in bulk.",
        )

    def handle(
        self,
        *args,
        if_empty: bool = False,
        scale: int = 0,
        trust: bool = False,
        **options,
    ):
        if scale < 0:
            raise CommandError("--scale must be a positive number of news posts.")
        if trust:
            self._trust()
            return
        try:
            summary = demo_school_load(if_empty=if_empty)
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        if summary.skipped:
            self.stdout.write("News exists already: the demo school was not loaded.")
            return
        if scale:
            self._scale(scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school loaded: {len(summary.created_pages)} pages, "
                f"{summary.created_term_dates} term dates, "
                f"{len(summary.created_users)} staff sign-ins created."
            )
        )
        usernames = ", ".join([*(row[0] for row in DEMO_STAFF), DEMO_SUPERUSER])
        self.stdout.write(f"Staff sign-ins: {usernames}; password: {DEMO_PASSWORD}")

    def _trust(self) -> None:
        try:
            summary = demo_trust_load()
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Demo trust loaded: {', '.join(summary.schools)}.")
        )
        for key, name, host, _ in TRUST_SCHOOLS:
            self.stdout.write(f"{name}: http://{host}:<port>/ (staff {key}-editor, …)")
        self.stdout.write(
            "Trust sign-ins: trust-safeguarding, trust-leader; password: "
            f"{DEMO_PASSWORD}"
        )

    def _scale(self, news: int) -> None:
        started = time.monotonic()
        added = demo_school_scale(
            index=NewsIndexPage.objects.get(slug="news"), news=news
        )
        self.stdout.write(
            f"Scaled up in {time.monotonic() - started:.0f} s: {added.news} news "
            f"posts, {added.images} pictures, {added.learners} learners added."
        )
