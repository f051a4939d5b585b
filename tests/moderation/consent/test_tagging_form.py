"""Tagging a photo: tick boxes with consent status, and the alt text explained."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from tests.factories import (
    ConsentRecordFactory,
    LearnerFactory,
    UserFactory,
    tagged_image,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_client(client):
    login_verified(client, UserFactory(is_superuser=True))
    return client


def test_learners_are_tick_boxes_with_their_consent_status(signed_in_client):
    nia = LearnerFactory(first_name="Nia", last_name="Jones", year_group="Year 4")
    ConsentRecordFactory(learner=nia, use="website")
    image = tagged_image()

    html = signed_in_client.get(reverse("wagtailimages:edit", args=[image.pk]))

    content = html.content.decode()
    assert f'type="checkbox" name="learners" value="{nia.pk}"' in content
    assert "Nia Jones (Year 4) — consent: website ✓, closed social ✗" in content
    assert "moderation/js/learner_picker.js" in content
    assert "Hold Ctrl" not in content


def test_the_description_is_explained_as_the_alt_text(signed_in_client):
    image = tagged_image()

    content = signed_in_client.get(
        reverse("wagtailimages:edit", args=[image.pk])
    ).content.decode()

    assert "Description (alt text)" in content
    assert "screen readers read this aloud" in content


def test_a_photo_of_people_needs_a_description(signed_in_client):
    nia = LearnerFactory(first_name="Nia", last_name="Jones")
    image = tagged_image()
    url = reverse("wagtailimages:edit", args=[image.pk])
    form = querydict_from_html(
        signed_in_client.get(url).content.decode(), form_id="w-editor-form"
    )
    form.setlist("learners", [str(nia.pk)])
    form.pop("no_identifiable_learners", None)
    form["description"] = ""

    refused = signed_in_client.post(url, form)
    form["description"] = "Nia reading in the library"
    accepted = signed_in_client.post(url, form)

    assert refused.status_code == 200
    assert "Describe the photo: it shows people" in refused.content.decode()
    assert accepted.status_code == 302
    image.refresh_from_db()
    assert image.description == "Nia reading in the library"
    assert list(image.learners.all()) == [nia]


def test_a_photo_of_no_one_needs_no_description(signed_in_client):
    image = tagged_image()
    url = reverse("wagtailimages:edit", args=[image.pk])
    form = querydict_from_html(
        signed_in_client.get(url).content.decode(), form_id="w-editor-form"
    )
    form["description"] = ""

    assert signed_in_client.post(url, form).status_code == 302
