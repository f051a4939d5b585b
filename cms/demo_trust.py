"""A small demo trust: Meadowbank (the demo school) and two more schools.

``manage.py load_demo_school --trust`` loads it; ``make run`` still loads the one
school. Each school has its own host name (``*.localhost`` reaches this machine in
every browser), home page, news, notices, term dates, collection and staff; the
trust's head of safeguarding sees the safeguarding incidents of all three.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from schools.models import SchoolRole, Trust, TrustRole
from schools.services import membership_add, school_add

from .demo_school import (
    DEMO_PASSWORD,
    DemoSchoolLoader,
    demo_school_load,
    ensure_not_production,
    school_year_dates,
)
from .models import NewsIndexPage, NewsPage, NoticeIndexPage, TermDate

TRUST_NAME = "Meadowbank Learning Trust"

#: (key, school name, host name, one line of welcome)
TRUST_SCHOOLS = (
    (
        "riverside",
        "Riverside Primary School",
        "riverside.localhost",
        "A primary school by the river for children aged 4 to 11.",
    ),
    (
        "hillview",
        "Hillview High School",
        "hillview.localhost",
        "A secondary school on the hill for young people aged 11 to 16.",
    ),
)

#: Each school's staff: "<key>-<suffix>", with these roles at that school.
SCHOOL_STAFF = (
    ("editor", "Editor", ("Editors",)),
    ("dsl", "Safeguarding lead", ("Safeguarding",)),
    ("head", "Headteacher", ("Senior leadership", "Approvers", "Headteacher")),
)

#: Trust-wide people: username, name, trust role, the global role giving admin access.
TRUST_STAFF = (
    (
        "trust-safeguarding",
        ("Tomos", "Jenkins"),
        TrustRole.Kind.HEAD_OF_SAFEGUARDING,
        "Safeguarding",
    ),
    (
        "trust-leader",
        ("Sian", "Roberts"),
        TrustRole.Kind.SENIOR_LEADER,
        "Senior leadership",
    ),
)


@dataclass
class DemoTrustSummary:
    schools: list[str] = field(default_factory=list)
    created_users: list[str] = field(default_factory=list)


def _staff_user(username: str, first: str, last: str, summary: DemoTrustSummary):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@trust.school.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        summary.created_users.append(username)
    return user


def _school_site(
    loader: DemoSchoolLoader, *, key: str, name: str, host: str, welcome: str
) -> Site:
    site = Site.objects.filter(hostname=host).first()
    if site is not None:
        return site
    home_model = apps.get_model("home", "HomePage")
    home = home_model(
        title=name,
        slug=key,
        welcome=f"<p>{welcome}</p>",
        office_email=f"office@{key}.school.example",
        address=f"{name}\n{key.title()} Road",
    )
    Page.get_first_root_node().add_child(instance=home)
    loader._publish(home)
    default = Site.objects.get(is_default_site=True)
    return Site.objects.create(
        hostname=host, port=default.port, root_page=home, site_name=name
    )


def _school_content(loader: DemoSchoolLoader, site: Site, name: str) -> None:
    home = site.root_page
    news = loader._child(
        home, NewsIndexPage, slug="news", title="News", show_in_menus=True
    )
    loader._child(
        home, NoticeIndexPage, slug="notices", title="Notices", show_in_menus=True
    )
    if not NewsPage.objects.child_of(news).exists():
        loader._child(
            news,
            NewsPage,
            slug="welcome",
            title=f"Welcome to {name}",
            summary=f"News from {name}.",
            date=loader.today,
        )
    for row in school_year_dates(today=loader.today):
        TermDate.objects.get_or_create(
            site=site, title=row["title"], starts_on=row["starts_on"], defaults=row
        )


def demo_trust_load(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> DemoTrustSummary:
    """Load the demo school, then make it and two more schools one trust.

    Idempotent. Raises ``DemoRefused`` under the production settings.
    """
    ensure_not_production()
    demo_school_load(today=today, now=now)
    summary = DemoTrustSummary()
    loader = DemoSchoolLoader(
        today=today or timezone.localdate(), now=now or timezone.now()
    )
    with transaction.atomic():
        trust, _ = Trust.objects.get_or_create(name=TRUST_NAME)
        default = Site.objects.get(is_default_site=True)
        school_add(site=default, trust=trust)
        summary.schools.append(default.site_name)
        roles = set(SchoolRole.objects.values_list("role", flat=True))
        for key, name, host, welcome in TRUST_SCHOOLS:
            site = _school_site(loader, key=key, name=name, host=host, welcome=welcome)
            school_add(site=site, trust=trust)
            _school_content(loader, site, name)
            summary.schools.append(name)
            for suffix, title, role_names in SCHOOL_STAFF:
                user = _staff_user(f"{key}-{suffix}", title, name, summary)
                for role in role_names:
                    if role in roles:
                        membership_add(user=user, site=site, role=role)
        for username, (first, last), kind, admin_role in TRUST_STAFF:
            user = _staff_user(username, first, last, summary)
            TrustRole.objects.get_or_create(trust=trust, user=user, kind=kind)
            # The role's global group opens the admin; no school membership, so
            # they see no school's register or pages, only what the trust role opens.
            user.groups.add(Group.objects.get(name=admin_role))
    return summary
