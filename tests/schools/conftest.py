"""Two schools of one trust, each with one record of every kind the admin shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from home.models import HomePage
from moderation.models import BlockedAccount, Incident
from publishing.models import Delivery
from schools.models import Trust
from schools.services import school_add
from tests import factories

SCHOOL_B_HOST = "bramblewood.school.example"


@dataclass
class SchoolRecords:
    """One school and one record of each kind, every name carrying ``tag``."""

    site: Site
    tag: str
    news: Page
    image: object
    document: object
    learner: object
    account: object
    delivery: Delivery
    incident: Incident
    safeguarding_incident: Incident
    blocked: BlockedAccount
    term_date: object


def school_records(site: Site, tag: str) -> SchoolRecords:
    home = site.root_page.specific
    index = factories.NewsIndexPageFactory(parent=home, slug=f"{tag.lower()}-news")
    news = factories.NewsPageFactory(parent=index, title=f"{tag} sports day")
    collection = site.school.collection
    account = factories.SocialAccountFactory(site=site, name=f"{tag} account")
    now = timezone.now()
    incident_fields = {
        "site": site,
        "occurred_at": now,
        "url": f"https://social.example/{tag}",
        "response_due_at": now + datetime.timedelta(days=1),
    }
    return SchoolRecords(
        site=site,
        tag=tag,
        news=news,
        image=factories.ImageFactory(title=f"{tag} picture", collection=collection),
        document=factories.DocumentFactory(
            title=f"{tag} letter", collection=collection
        ),
        learner=factories.LearnerFactory(site=site, first_name=f"{tag}learner"),
        account=account,
        delivery=Delivery.objects.create(
            page=news,
            page_title=f"{tag} delivery",
            account=account,
            text=f"{tag} sports day!",
            link=f"https://{site.hostname}/news/",
            status=Delivery.Status.FAILED,
            reason="The network refused it",
        ),
        incident=Incident.objects.create(
            category="harassment", content_as_reported=f"{tag} words", **incident_fields
        ),
        safeguarding_incident=Incident.objects.create(
            category="safeguarding",
            content_as_reported=f"{tag} concern",
            **incident_fields,
        ),
        blocked=BlockedAccount.objects.create(
            site=site,
            platform="facebook",
            handle=f"@{tag}blocked",
            grounds="spamming",
            message_sent="You were blocked for spamming.",
            decided_by=factories.UserFactory(),
            review_on=timezone.localdate() + datetime.timedelta(days=90),
        ),
        term_date=factories.TermDateFactory(site=site, title=f"{tag} open evening"),
    )


@dataclass
class TwoSchools:
    trust: Trust
    a: SchoolRecords
    b: SchoolRecords


@pytest.fixture
def two_schools(db) -> TwoSchools:
    """Alderley (the default site) and Bramblewood, one trust."""
    trust = Trust.objects.create(name="Two Schools Trust")
    site_a = Site.objects.get(is_default_site=True)
    site_a.site_name = "Alderley School"
    site_a.save()
    school_add(site=site_a, trust=trust)
    home_b = HomePage(title="Bramblewood School", slug="bramblewood")
    Page.get_first_root_node().add_child(instance=home_b)
    home_b.save_revision().publish()
    site_b = Site.objects.create(
        hostname=SCHOOL_B_HOST, port=80, root_page=home_b, site_name="Bramblewood"
    )
    school_add(site=site_b, trust=trust)
    return TwoSchools(
        trust=trust,
        a=school_records(site_a, "Alderley"),
        b=school_records(site_b, "Bramblewood"),
    )
