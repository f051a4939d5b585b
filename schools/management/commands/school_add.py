"""``manage.py school_add HOSTNAME``: make a site a school (groups, collection)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from schools.models import Trust
from schools.services import school_add


class Command(BaseCommand):
    help = (
        "Make the site at HOSTNAME a school: its own collection for images and "
        "documents and one group per staff role. Run again to repair deleted groups."
    )

    def add_arguments(self, parser):
        parser.add_argument("hostname")
        parser.add_argument("--trust", help="Name of the trust that runs the school.")

    def handle(self, *args, hostname: str, trust: str | None = None, **options):
        site = Site.objects.filter(hostname=hostname).first()
        if site is None:
            raise CommandError(f"No site has the host name {hostname!r}.")
        trust_obj = Trust.objects.get_or_create(name=trust)[0] if trust else None
        school = school_add(site=site, trust=trust_obj)
        groups = ", ".join(sorted(g.group.name for g in site.role_groups.all()))
        self.stdout.write(f"{school}: groups {groups}")
