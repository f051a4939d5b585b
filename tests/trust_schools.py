"""A trust's schools (one Wagtail site each) and its notices folder, for the tests.

Until the many-schools work gives trusts their own model, a trust here is its
notices folder (``TrustNoticesPage``) beside the schools' home pages.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import NoticeIndexPage, TrustNoticePage, TrustNoticesPage
from home.models import HomePage


def school_site(number: int) -> Site:
    """Another school: its own host name, home page and notices page."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title=f"School {number}", slug=f"school-{number}")
    )
    home.add_child(instance=NoticeIndexPage(title="Notices", slug="notices"))
    return Site.objects.create(
        hostname=f"school-{number}.example",
        port=80,
        root_page=home,
        site_name=f"School {number}",
    )


def trust_folder() -> TrustNoticesPage:
    """The trust's notices folder, outside every school's site."""
    root = Page.get_first_root_node()
    return root.add_child(
        instance=TrustNoticesPage(title="Valley Trust notices", slug="valley-trust")
    )


def trust_notice(
    folder: TrustNoticesPage, *, schools, title="All our schools are closed today"
) -> TrustNoticePage:
    """A closure for ``schools``, not yet live, in force from now until tomorrow."""
    now = timezone.now()
    notice = folder.add_child(
        instance=TrustNoticePage(
            title=title,
            kind=TrustNoticePage.Kind.CLOSURE,
            message="<p>Heavy snow: every school in the trust is closed.</p>",
            valid_from=now - datetime.timedelta(minutes=5),
            valid_until=now + datetime.timedelta(days=1),
            live=False,
        )
    )
    notice.schools.set(schools)
    notice.save()
    return notice
