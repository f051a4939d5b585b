"""`manage.py import_term_dates FILE.ics [--dry-run]`: sync term dates from a file.

Prints what the file adds, changes and removes (and what happens to holiday notices),
then applies it; with ``--dry-run`` it only prints.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.calendar_file import TermDatesFileRefused, check_size
from cms.calendar_sources import CalendarSource
from cms.term_dates_import import (
    ImportPlan,
    term_dates_plan,
    term_dates_plan_apply,
    when_text,
)


class Command(BaseCommand):
    help = (
        "Import term dates, holidays, INSET days and events from an iCalendar file. "
        "A calendar imported again replaces the dates it gave before (moved, "
        "cancelled and missing dates follow the file); dates typed in by hand stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .ics file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="only say what would change; change nothing",
        )
        parser.add_argument(
            "--calendar",
            help="the name of the calendar it is from (default: the file's own name)",
        )
        parser.add_argument(
            "--site",
            help="the school's host name (default: the default site)",
        )

    def _site(self, hostname: str | None) -> Site:
        sites = Site.objects.all()
        site = (
            sites.filter(hostname=hostname).first()
            if hostname
            else sites.filter(is_default_site=True).first()
        )
        if site is None:
            raise CommandError(f"No school site {hostname or '(default)'}.")
        return site

    def handle(self, *args, file: Path, dry_run: bool, calendar, site, **options):
        try:
            check_size(file.stat().st_size)  # a huge file is refused unread
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except TermDatesFileRefused as error:
            raise CommandError(str(error)) from error
        school = self._site(site)
        source = None
        if calendar:
            source = CalendarSource.objects.filter(site=school, name=calendar).first()
        try:
            plan = term_dates_plan(
                content=content,
                site=school,
                uid_domain=urlsplit(settings.SITE_URL).hostname or "school.invalid",
                source=source,
                new_source=bool(calendar) and source is None,
                new_source_name=calendar or "",
                file_name=file.name,
            )
        except TermDatesFileRefused as error:
            raise CommandError(str(error)) from error
        self._write_plan(plan)
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run, nothing changed: {plan.summary()}")
            )
            return
        term_dates_plan_apply(plan=plan)
        self.stdout.write(self.style.SUCCESS(plan.summary()))

    def _write_plan(self, plan: ImportPlan) -> None:
        where = plan.source.name if plan.source else f"{plan.source_name} (new)"
        self.stdout.write(f"Calendar: {where}")
        for occurrence in plan.additions:
            self.stdout.write(
                f"Added: {occurrence.title} ({when_text(**occurrence.fields)})"
            )
        for change in plan.changes:
            self.stdout.write(
                f"Updated: {change.term_date}: {'; '.join(change.differences)}"
            )
        for removal in plan.removals:
            self.stdout.write(f"Removed: {removal.term_date}: {removal.reason}")
        for effect in plan.notice_effects:
            self.stdout.write(self.style.WARNING(effect.planned))
        for line in [*plan.skipped, *plan.notes]:
            self.stdout.write(self.style.WARNING(line))
