"""The head's checklist: one screen, every requirement, what is met, due or broken."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cms.statutory.models import (
    StatutoryRecord,
    StatutoryRequirement,
    StatutorySettings,
)
from tests.cms.statutory.conftest import other_school
from tests.factories import DocumentFactory, StandardPageFactory
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

CHECKLIST = "/admin/statutory-information/"


def item_url(key):
    return f"{CHECKLIST}{key}/"


def record(site, key, **fields):
    return StatutoryRecord.objects.create(
        site=site, requirement=StatutoryRequirement.objects.get(key=key), **fields
    )


def test_the_head_sees_every_requirement_with_what_is_met_due_or_broken(
    client, head, site, community_primary, published_page, home_page
):
    draft = StandardPageFactory(parent=home_page, title="Complaints", live=False)
    today = timezone.localdate()
    record(site, "behaviour_policy", page=published_page, linked="page",
           owner=head, last_reviewed=today)  # fmt: skip
    record(site, "complaints", page=draft, linked="page", last_reviewed=today)
    login_verified(client, head)

    page = client.get(CHECKLIST).content.decode()

    assert "Behaviour policy" in page
    assert "Helen Morgan" in page
    assert "The linked page “Complaints” is not published" in page
    assert "Not on the website yet" in page  # e.g. the uniform policy
    assert "Key stage 2 results" in page  # a primary school's
    assert "Key stage 4" not in page
    assert "Trust" not in page  # not an academy


def test_until_the_type_of_school_is_chosen_the_checklist_asks_for_it(
    client, head, site
):
    login_verified(client, head)
    page = client.get(CHECKLIST).content.decode()
    assert "Choose the type of school first" in page


def refused(response) -> bool:
    """Wagtail sends staff without the permission back to the dashboard."""
    return response.status_code == 302 and response.url == "/admin/"


def test_staff_without_the_role_cannot_open_the_checklist(client, editor):
    login_verified(client, editor)
    assert refused(client.get(CHECKLIST))
    assert refused(client.get(item_url("complaints")))
    assert refused(client.get(f"{CHECKLIST}export.csv"))
    assert refused(client.get(f"{CHECKLIST}print/"))


def test_an_unknown_item_is_not_found(client, head, community_primary):
    login_verified(client, head)
    assert client.get(item_url("no-such-thing")).status_code == 404


def test_linking_a_published_page_records_it_and_reviewing_needs_a_link(
    client, head, site, community_primary, published_page
):
    login_verified(client, head)
    refused = client.post(
        item_url("behaviour_policy"), {"last_reviewed": "2026-12-01", "owner": head.pk}
    )
    assert "Link the page or document that meets this requirement" in (
        refused.content.decode()
    )
    assert not StatutoryRecord.objects.exists()

    saved = client.post(
        item_url("behaviour_policy"),
        {"page": published_page.pk, "owner": head.pk, "last_reviewed": "2026-12-01"},
    )
    assert saved.status_code == 302
    kept = StatutoryRecord.objects.get()
    assert (kept.page_id, kept.owner, kept.linked) == (published_page.pk, head, "page")


@pytest.mark.parametrize("how", ["draft", "sign-in only", "expired", "other school"])
def test_a_page_parents_cannot_reach_is_refused_with_the_reason(
    client, head, site, community_primary, home_page, how
):
    page = StandardPageFactory(parent=home_page, title="Uniform")
    expected = {
        "draft": "is not published",
        "sign-in only": "is only open to signed-in users",
        "expired": "has expired",
        "other school": "That page is not on this school&#x27;s website",
    }[how]
    if how == "draft":
        page.unpublish()
    elif how == "sign-in only":
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    elif how == "expired":
        Page.objects.filter(pk=page.pk).update(expired=True)
    else:
        other = other_school()
        page = StandardPageFactory(parent=other.root_page, title="Uniform")
    login_verified(client, head)

    response = client.post(item_url("uniform"), {"page": page.pk})

    assert expected in response.content.decode()
    assert not StatutoryRecord.objects.exists()


def test_a_document_no_published_page_uses_cannot_be_chosen(
    client, head, community_primary
):
    document = DocumentFactory(title="Complaints procedure")
    login_verified(client, head)
    response = client.post(item_url("complaints"), {"document": document.pk})
    assert "Parents cannot open that document" in response.content.decode()
    assert not StatutoryRecord.objects.exists()


def test_governance_must_be_on_a_web_page_not_only_in_a_document(
    client, head, site, community_primary
):
    login_verified(client, head)
    form = client.get(item_url("governance_maintained")).content.decode()
    assert "must be on a web page parents can read" in form


def test_a_deleted_page_shows_as_a_broken_link(
    client, head, site, community_primary, published_page
):
    record(site, "behaviour_policy", page=published_page, linked="page")
    published_page.delete()
    login_verified(client, head)
    assert "The linked page was deleted" in client.get(CHECKLIST).content.decode()


def test_an_owner_updates_their_own_item_and_nothing_else(
    client, editor, site, community_primary, published_page
):
    record(site, "behaviour_policy", page=published_page, linked="page", owner=editor)
    login_verified(client, editor)

    reviewed = client.post(f"{item_url('behaviour_policy')}reviewed/")

    assert reviewed.status_code == 302
    assert StatutoryRecord.objects.get().last_reviewed == timezone.localdate()
    assert refused(client.get(item_url("complaints")))
    dashboard = client.get("/admin/").content.decode()
    assert "Your statutory information items" in dashboard
    assert "Behaviour policy" in dashboard


def test_reviewed_today_without_a_link_explains_what_is_missing(
    client, head, site, community_primary
):
    login_verified(client, head)
    response = client.post(f"{item_url('complaints')}reviewed/", follow=True)
    assert "is not linked to a page or document yet" in response.content.decode()
    assert client.get(f"{item_url('complaints')}reviewed/").status_code == 405


def test_a_changed_type_of_school_keeps_what_was_recorded(
    client, head, site, community_primary, published_page
):
    record(site, "governance_maintained", page=published_page, linked="page",
           last_reviewed=datetime.date(2026, 9, 1))  # fmt: skip
    settings = StatutorySettings.for_site(site)
    settings.school_type = "academy"
    settings.save()
    login_verified(client, head)

    page = client.get(CHECKLIST).content.decode()

    assert "Recorded, but no longer required" in page
    assert "Governing board: structure" in page
    assert "audited annual report" in page


def test_the_export_lists_every_item_with_status_owner_review_and_address(
    client, head, site, community_primary, published_page
):
    published_page.title = "=HYPERLINK(1)"  # a title typed to be a formula
    published_page.save_revision().publish()
    record(site, "behaviour_policy", page=published_page, linked="page",
           owner=head, last_reviewed=timezone.localdate())  # fmt: skip
    login_verified(client, head)

    response = client.get(f"{CHECKLIST}export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Requirement", "Must or should", "Status"]
    behaviour = next(row for row in rows if row[0] == "Behaviour policy")
    assert behaviour[2] == "Met"
    assert behaviour[4] == "Helen Morgan"
    assert behaviour[6].endswith(published_page.url)
    assert any(row[2] == "Not met" for row in rows)
    printable = client.get(f"{CHECKLIST}print/").content.decode()
    assert "Statutory information checklist" in printable
    assert "Behaviour policy" in printable


def test_each_school_sees_only_its_own_checklist_and_pages(
    client, head, site, community_primary, published_page
):
    other = other_school()
    theirs = StandardPageFactory(parent=other.root_page, title="Their secret page")
    record(other, "behaviour_policy", page=theirs, linked="page")
    login_verified(client, head)

    checklist = client.get(CHECKLIST).content.decode()
    form = client.get(item_url("behaviour_policy")).content.decode()

    assert "Their secret page" not in checklist
    assert "Their secret page" not in form
    assert published_page.title in form
