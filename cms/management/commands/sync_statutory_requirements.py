"""Bring the statutory lists up to this release's data file (also done by migrate)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.statutory.catalogue import DATA_FILE, CatalogueError, requirements_sync


class Command(BaseCommand):
    help = (
        "Load the statutory-information lists from cms/statutory/requirements.toml; "
        "schools' records are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(DATA_FILE),
            help="A requirement list to load instead of the one in this release",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            report = requirements_sync(path)
        except CatalogueError as error:
            raise CommandError(f"The requirement list is not valid: {error}") from error
        self.stdout.write(str(report))
        for key in report.renamed:
            self.stdout.write(f"Renamed: {key}")
        for key in report.retired:
            self.stdout.write(f"No longer required: {key} (schools' records kept)")
