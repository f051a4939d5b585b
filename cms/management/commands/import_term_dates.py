"""`manage.py import_term_dates FILE.ics`: add or update term dates from a file."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.term_dates_import import (
    TermDatesFileRefused,
    check_size,
    term_dates_import,
)


class Command(BaseCommand):
    help = (
        "Import term dates, holidays, INSET days and events from an iCalendar file. "
        "Importing the same file again updates the dates instead of adding them twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .ics file")

    def handle(self, *args, file: Path, **options):
        try:
            check_size(file.stat().st_size)  # a huge file is refused unread
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except TermDatesFileRefused as error:
            raise CommandError(str(error)) from error
        try:
            report = term_dates_import(
                content=content,
                uid_domain=urlsplit(settings.SITE_URL).hostname or "school.invalid",
            )
        except TermDatesFileRefused as error:
            raise CommandError(str(error)) from error
        for line in report.created:
            self.stdout.write(f"Added: {line}")
        for line in report.updated:
            self.stdout.write(f"Updated: {line}")
        for line in [*report.skipped, *report.notes]:
            self.stdout.write(self.style.WARNING(line))
        self.stdout.write(self.style.SUCCESS(report.summary()))
