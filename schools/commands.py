"""The ``--school HOST`` option of the management commands that load a school's data.

A command that makes a school's records is told which school, by its host name; the
demo commands, left without one, load the demo school: the installation's default
site, which ``load_demo_school`` fills.
"""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser
from wagtail.models import Site


def school_argument_add(parser: CommandParser) -> None:
    """Add ``--school HOST`` to a command's arguments."""
    parser.add_argument(
        "--school",
        metavar="HOST",
        help="Host name of the school to load into (default: the demo school, "
        "the default site).",
    )


def school_from_option(host: str | None) -> Site:
    """The school ``--school HOST`` names (the default site without it).

    Raises:
        CommandError: no school has that host name (the schools that do are listed).
    """
    sites = Site.objects.filter(school__isnull=False)  # made a school: school_add
    site = (
        sites.filter(hostname__iexact=host).first()
        if host
        else sites.filter(is_default_site=True).first()
    )
    if site is None:
        known = ", ".join(sites.order_by("hostname").values_list("hostname", flat=True))
        raise CommandError(
            f"No school has the host name {host!r}. Schools: {known or 'none yet'}."
            if host
            else "There is no default site: name the school with --school HOST."
        )
    return site
