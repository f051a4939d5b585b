"""The public "Statutory information" page and the nightly check's reminders."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cms.models import StatutoryInformationPage
from cms.statutory.models import StatutoryRecord, StatutoryRequirement
from cms.statutory.reminders import statutory_check
from tests.factories import StandardPageFactory, staff

pytestmark = pytest.mark.django_db


def record(site, key, **fields):
    return StatutoryRecord.objects.create(
        site=site, requirement=StatutoryRequirement.objects.get(key=key), **fields
    )


@pytest.fixture
def statutory_page(home_page):
    page = StatutoryInformationPage(
        title="Statutory information", slug="statutory-information"
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_parents_find_every_met_item_in_the_lists_order_and_no_broken_link(
    client, site, community_primary, home_page, statutory_page
):
    complaints = StandardPageFactory(parent=home_page, title="How to complain")
    contact = StandardPageFactory(parent=home_page, title="Contact us")
    draft = StandardPageFactory(parent=home_page, title="Uniform (draft)", live=False)
    record(site, "complaints", page=complaints, linked="page")
    record(site, "contact_details", page=contact, linked="page", section="office")
    record(site, "uniform", page=draft, linked="page")

    page = client.get(statutory_page.url).content.decode()

    assert page.index("Contact details") < page.index("Complaints procedure")
    assert f'href="{contact.url}#office"' in page
    assert f'href="{complaints.url}"' in page
    assert "School uniform" not in page  # its page is a draft: left out, not broken
    assert "Behaviour policy" not in page  # not linked yet
    home = client.get("/").content.decode()
    assert f'href="{statutory_page.url}"' in home  # in every page's footer


def test_a_link_that_breaks_leaves_the_public_page_at_once(
    client, site, community_primary, home_page, statutory_page
):
    complaints = StandardPageFactory(parent=home_page, title="How to complain")
    record(site, "complaints", page=complaints, linked="page")
    assert "Complaints procedure" in client.get(statutory_page.url).content.decode()

    complaints.unpublish()

    assert "Complaints procedure" not in client.get(statutory_page.url).content.decode()


def test_the_api_lists_the_published_items(
    client, site, community_primary, home_page, statutory_page
):
    complaints = StandardPageFactory(parent=home_page, title="How to complain")
    record(site, "complaints", page=complaints, linked="page")
    response = client.get(
        f"/api/v2/pages/{statutory_page.pk}/", HTTP_ACCEPT="application/json"
    )
    items = response.json()["published_items"]
    assert items == [{"title": "Complaints procedure", "url": complaints.url}]


def test_the_owner_is_told_once_when_a_link_breaks(
    site, community_primary, home_page, head
):
    page = StandardPageFactory(parent=home_page, title="How to complain")
    record(site, "complaints", page=page, linked="page", owner=head,
           last_reviewed=timezone.localdate())  # fmt: skip
    assert "0 broken link(s)" in statutory_check(today=timezone.localdate())
    page.unpublish()
    mail.outbox.clear()

    outcome = statutory_check(today=timezone.localdate())
    again = statutory_check(today=timezone.localdate())

    assert outcome.startswith("1 broken link(s) reported in 1 email(s)")
    assert again.startswith("0 broken link(s)")
    [message] = mail.outbox
    assert message.to == ["head@school.example"]
    assert message.subject == "Statutory information: a link has stopped working"
    assert "Complaints procedure" in message.body
    assert "is not published" in message.body
    assert "/admin/statutory-information/complaints/" in message.body


def test_owners_are_reminded_once_before_a_deadline(
    site, community_primary, home_page, head
):
    page = StandardPageFactory(parent=home_page, title="Pupil premium")
    record(site, "pupil_premium", page=page, linked="page", owner=head,
           last_reviewed=datetime.date(2025, 12, 15))  # fmt: skip
    calm = statutory_check(today=datetime.date(2026, 11, 1))
    assert calm.endswith("0 item(s) due, reminded in 0 email(s).")

    first = statutory_check(today=datetime.date(2026, 12, 6))
    second = statutory_check(today=datetime.date(2026, 12, 7))

    assert first.endswith("1 item(s) due, reminded in 1 email(s).")
    assert second.endswith("0 item(s) due, reminded in 0 email(s).")
    reminder = mail.outbox[-1]
    assert reminder.subject == "Statutory information due soon"
    assert "Due by 31 December 2026" in reminder.body


def test_items_nobody_owns_go_to_the_administrators_per_school(
    site, community_primary, home_page
):
    staff("admin", is_superuser=True, email="admin@school.example")
    page = StandardPageFactory(parent=home_page, title="How to complain")
    record(site, "complaints", page=page, linked="page")
    page.unpublish()

    statutory_check(today=timezone.localdate())

    [message] = mail.outbox
    assert message.to == ["admin@school.example"]
