"""A trust's schools (one Wagtail site each) and its notices folder, for the tests."""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import NoticeIndexPage, TrustNoticePage, TrustNoticesPage
from home.models import HomePage
from schools.models import Trust, TrustRole
from schools.services import school_add

TRUST_NAME = "Valley Trust"


def valley_trust() -> Trust:
    """The trust, with the default school (Meadowbank) one of its schools."""
    trust, _ = Trust.objects.get_or_create(name=TRUST_NAME)
    school_add(site=Site.objects.get(is_default_site=True), trust=trust)
    return trust


def trust_senior_leader(user, trust: Trust):
    """``user`` becomes a senior leader of ``trust``."""
    TrustRole.objects.create(user=user, trust=trust, kind=TrustRole.Kind.SENIOR_LEADER)
    return user


def school_site(number: int, *, trust: Trust | None = None) -> Site:
    """Another school (of ``trust``, by default the Valley Trust): its own host
    name, home page and notices page."""
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title=f"School {number}", slug=f"school-{number}")
    )
    home.add_child(instance=NoticeIndexPage(title="Notices", slug="notices"))
    site = Site.objects.create(
        hostname=f"school-{number}.example",
        port=80,
        root_page=home,
        site_name=f"School {number}",
    )
    school_add(site=site, trust=trust or valley_trust())
    return site


def trust_folder(trust: Trust | None = None) -> TrustNoticesPage:
    """The trust's notices folder, outside every school's site."""
    trust = trust or valley_trust()
    root = Page.get_first_root_node()
    return root.add_child(
        instance=TrustNoticesPage(
            title=f"{trust.name} notices", slug=f"trust-{trust.pk}", trust=trust
        )
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
