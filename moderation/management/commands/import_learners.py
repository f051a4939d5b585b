"""``manage.py import_learners FILE``: load the consent register from the MIS export."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from moderation.consent.csv_import import ImportRefused, learners_import, size_error


class Command(BaseCommand):
    help = (
        "Import learners and their consent from a UTF-8 CSV file exported from the "
        "school's management information system. Re-importing updates learners by "
        "external_id; one bad row means nothing is saved and every problem is listed."
        "\n\nColumns (header row, any order): external_id, first_name, last_name "
        "(required); year_group; consent_website, consent_closed_social, "
        "consent_public_social, consent_press, consent_newsletter_email (yes/no; "
        "blank = nothing recorded); "
        "consent_date (required when a consent column is filled; YYYY-MM-DD or "
        "DD/MM/YYYY); consent_expires_on; left_on; do_not_publish (yes adds to the "
        "list; an import never removes anyone); do_not_publish_reason. A 'no' that "
        "replaces a 'yes' withdraws the learner's published images at once. "
        "See docs/staff/consent.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file to import")
        parser.add_argument(
            "--recorded-by",
            default="MIS import",
            help="who the consent records say recorded them (default: 'MIS import')",
        )

    def handle(self, *args, file: Path, recorded_by: str, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if too_big := size_error(file.stat().st_size):
            raise CommandError(f"{file}: {too_big.reason}")
        try:
            result = learners_import(
                data=file.read_bytes(),
                recorded_by=recorded_by,
                progress=self._progress,
            )
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(refused.errors)} problem(s) found; nothing was imported."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows} learners: {result.created} new, "
                f"{result.updated} updated, {result.unchanged} unchanged; "
                f"{result.consent_records} consent decisions recorded; "
                f"{result.cascades} withdrawal(s) applied."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        self.stdout.write(
            f"Checking rows [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        )
