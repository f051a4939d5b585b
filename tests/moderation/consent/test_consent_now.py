"""Consent is judged as of now on every write; copyright before publication.

Issue 9, bullet 7. Before: consent recorded with an expiry date already past showed ✗
in the register at once, but the photo stayed on the website until the 00:05 job.
Bullet 9 (C6): a photo or document with no copyright holder, or another holder's work
with no credit, was published.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from moderation.roles import SAFEGUARDING
from tests.factories import (
    DocumentFactory,
    NewsPageFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
EDITOR = "w-editor-form"  # the id of Wagtail's edit form


@pytest.fixture
def officer():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=SAFEGUARDING))
    return user


@pytest.fixture
def live_photo(news_index):
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    photo = tagged_image(amy, title="Sports day")
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        body=[("image", {"image": photo, "caption": ""})],
    )
    page.save_revision().publish()
    return {"amy": amy, "photo": photo, "page": page}


def shown(client, page) -> bool:
    """Whether a visitor sees the photo (its alt text is its title) on the page."""
    return 'alt="Sports day"' in client.get(page.url).content.decode()


def withdrawn(photo) -> bool:
    return type(photo).objects.get(pk=photo.pk).is_withdrawn


def record(client, learner, *, expires_on):
    return client.post(
        reverse("learners:record_consent", args=[learner.pk]),
        {
            "use": "website",
            "given": "True",
            "given_on": "2025-09-01",
            "expires_on": expires_on.isoformat(),
            "recorded_by": "Office, paper form",
        },
    )


def test_consent_recorded_with_a_past_expiry_removes_the_photo_at_once(
    client, officer, live_photo
):
    amy, photo, page = live_photo["amy"], live_photo["photo"], live_photo["page"]
    assert shown(client, page)
    login_verified(client, officer)
    today = timezone.localdate()

    # Positive control: an expiry still to come changes nothing.
    record(client, amy, expires_on=today + datetime.timedelta(days=30))
    assert not withdrawn(photo)

    record(client, amy, expires_on=today - datetime.timedelta(days=1))
    assert withdrawn(photo)
    client.logout()
    assert not shown(client, page)
    # The nightly job, as the catch-up, does not cascade it a second time.
    from moderation.consent.services import consent_expiry_sweep

    assert consent_expiry_sweep() == 0


def test_importing_consent_that_already_expired_removes_the_photo_at_once(
    client, officer, live_photo
):
    amy, photo = live_photo["amy"], live_photo["photo"]
    other = learner_with_consent(first_name="Ben", last_name="Owen")
    kept = tagged_image(other, title="Library")
    login_verified(client, officer)
    upload = SimpleUploadedFile(
        "learners.csv",
        (
            "external_id,first_name,last_name,consent_website,consent_date,"
            "consent_expires_on\n"
            f"{amy.external_id},Amy,Hughes,yes,2024-09-01,2025-07-31\n"
            f"{other.external_id},Ben,Owen,yes,2024-09-01,2099-07-31\n"
        ).encode(),
    )
    response = client.post(reverse("learners:import"), {"file": upload}, follow=True)
    assert "1 withdrawal(s) applied" in response.content.decode()
    assert withdrawn(photo)
    assert not withdrawn(kept)  # positive control


def test_a_leaving_date_edited_into_the_past_removes_the_photo_at_once(
    client, officer, live_photo
):
    amy, photo = live_photo["amy"], live_photo["photo"]
    login_verified(client, officer)
    url = reverse("learners:edit", args=[amy.pk])
    form = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    form["left_on"] = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    assert client.post(url, form).status_code == 302
    assert withdrawn(photo)


# --- Copyright (C6) -------------------------------------------------------------


def refusal(news_index, item, *, as_document=False):
    from moderation.consent.rules import Channel, page_violations

    body = (
        [("document", {"document": item, "title": "Newsletter"})]
        if as_document
        else [("image", {"image": item, "caption": ""})]
    )
    page = NewsPageFactory(parent=news_index, live=False, body=body)
    return [v.message for v in page_violations(page, channel=Channel.website())]


def test_a_photo_needs_its_copyright_holder(news_index):
    assert refusal(news_index, tagged_image(title="Choir")) == []  # the school
    no_holder = tagged_image(title="Choir", copyright_holder="")
    assert refusal(news_index, no_holder) == [
        'Image "Choir" does not say who owns its copyright. Edit it and fill in '
        "'Copyright holder' (the school, if it is the school's own)."
    ]


def test_someone_elses_photo_needs_a_credit(news_index):
    theirs = tagged_image(title="Choir", copyright_holder="Valley Photos Ltd")
    [message] = refusal(news_index, theirs)
    assert message == (
        'Image "Choir" belongs to Valley Photos Ltd, so it needs a credit to show '
        "with it. Edit it and fill in 'Credit', for example 'Photo: Valley Photos Ltd'."
    )
    theirs.credit = "Photo: Valley Photos Ltd"
    theirs.save()
    assert refusal(news_index, theirs) == []


def test_a_document_needs_its_copyright_holder_too(news_index):
    letter = DocumentFactory(
        title="Newsletter", no_identifiable_learners=True, copyright_holder=""
    )
    [message] = refusal(news_index, letter, as_document=True)
    assert message.startswith('Document "Newsletter" does not say who owns')
    letter.copyright_holder = "The school"
    letter.save()
    assert refusal(news_index, letter, as_document=True) == []


def test_another_holders_document_shows_its_credit_on_the_page(client, news_index):
    letter = DocumentFactory(
        title="Road safety leaflet",
        no_identifiable_learners=True,
        copyright_holder="County Council",
        credit="Leaflet: County Council road safety team",
    )
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        body=[("document", {"document": letter, "title": "Leaflet"})],
    )
    page.save_revision().publish()
    content = client.get(page.url).content.decode()
    assert "Leaflet: County Council road safety team" in content


def test_publishing_in_the_admin_without_a_copyright_holder_is_refused(
    client, news_index
):
    photo = tagged_image(title="Choir", copyright_holder="")
    page = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    page.save_revision()
    login_verified(client, UserFactory(is_superuser=True))
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = querydict_from_html(
        client.get(edit_url).content.decode(), form_id="page-edit-form"
    )
    form["body-count"] = "0"  # the StreamField widget is drawn by JavaScript
    form["action-publish"] = "action-publish"
    content = client.post(edit_url, form, follow=True).content.decode()
    assert "does not say who owns its copyright" in content
    assert not type(page).objects.get(pk=page.pk).live
