"""`manage.py load_demo_school [--if-empty]`: the fictional Meadowbank Primary School.

Content is published directly, bypassing the moderation workflow: it is seed data for
an empty install (see cms/demo_school.py). Refuses to run with production settings.
"""

from django.core.management.base import BaseCommand, CommandError

from cms.demo_school import (
    DEMO_PASSWORD,
    DEMO_STAFF,
    DEMO_SUPERUSER,
    DemoRefused,
    demo_school_load,
)


class Command(BaseCommand):
    help = "Load the demo school: news, notices, term dates and staff sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any news page exists already.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        try:
            summary = demo_school_load(if_empty=if_empty)
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        if summary.skipped:
            self.stdout.write("News exists already: the demo school was not loaded.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school loaded: {len(summary.created_pages)} pages, "
                f"{summary.created_term_dates} term dates, "
                f"{len(summary.created_users)} staff sign-ins created."
            )
        )
        usernames = ", ".join([*(row[0] for row in DEMO_STAFF), DEMO_SUPERUSER])
        self.stdout.write(f"Staff sign-ins: {usernames}; password: {DEMO_PASSWORD}")
