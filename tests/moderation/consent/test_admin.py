"""The register in the admin: who gets in, what they see, and what changes cascade."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from moderation.models import Learner
from moderation.roles import EDITORS, SAFEGUARDING, SENIOR_LEADERSHIP
from tests.factories import (
    ConsentRecordFactory,
    LearnerFactory,
    UserFactory,
    tagged_image,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


def staff(role, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    # Editors reach the admin through the workflow's grants; give it here directly.
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def learner():
    learner = LearnerFactory(
        first_name="Amy",
        last_name="Smith",
        do_not_publish=True,
        do_not_publish_reason="Court order",
    )
    ConsentRecordFactory(learner=learner, use="website")
    return learner


@pytest.mark.parametrize(
    "url_name", ["learners:index", "learners:import", "learners:add"]
)
def test_an_editor_cannot_open_the_register(client, learner, url_name):
    login_verified(client, staff(EDITORS))
    response = client.get(reverse(url_name))
    assert response.status_code in (302, 403)
    assert b"Amy" not in response.content


def test_an_editor_cannot_open_a_learners_consent(client, learner):
    login_verified(client, staff(EDITORS))
    response = client.get(reverse("learners:record_consent", args=[learner.pk]))
    assert response.status_code in (302, 403)
    assert b"Amy" not in response.content


def test_senior_leadership_can_read_but_not_see_reasons_or_import(client, learner):
    login_verified(client, staff(SENIOR_LEADERSHIP))
    listing = client.get(reverse("learners:index"))
    assert listing.status_code == 200
    assert "Amy Smith" in listing.content.decode()
    assert "do not publish" in listing.content.decode()
    inspect = client.get(reverse("learners:inspect", args=[learner.pk]))
    assert inspect.status_code == 200
    assert b"Court order" not in inspect.content
    assert client.get(reverse("learners:import")).status_code in (302, 403)
    assert client.get(reverse("learners:edit", args=[learner.pk])).status_code in (
        302,
        403,
    )


def test_the_safeguarding_lead_sees_the_reason(client, learner):
    login_verified(client, staff(SAFEGUARDING))
    response = client.get(reverse("learners:edit", args=[learner.pk]))
    assert response.status_code == 200
    assert b"Court order" in response.content


def test_the_safeguarding_lead_imports_a_csv(client):
    login_verified(client, staff(SAFEGUARDING))
    upload = SimpleUploadedFile(
        "learners.csv",
        b"external_id,first_name,last_name,consent_website,consent_date\n"
        b"A1,Amy,Smith,yes,2026-09-05\n",
    )
    response = client.post(reverse("learners:import"), {"file": upload}, follow=True)
    assert "Imported 1 learners: 1 new" in response.content.decode()
    assert Learner.objects.get().consent_records.get().given


def test_a_bad_csv_upload_lists_every_problem_and_saves_nothing(client):
    login_verified(client, staff(SAFEGUARDING))
    upload = SimpleUploadedFile(
        "learners.csv",
        b"external_id,first_name,last_name,consent_website,consent_date\n"
        b"A1,Amy,Smith,perhaps,2026-13-01\n",
    )
    response = client.post(reverse("learners:import"), {"file": upload})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in content
    assert "&#x27;perhaps&#x27; is not yes or no." in content
    assert "is not a real date" in content
    assert not Learner.objects.exists()


def test_recording_a_withdrawal_in_the_admin_withdraws_the_photo(client):
    learner = LearnerFactory()
    ConsentRecordFactory(learner=learner, use="website")
    image = tagged_image(learner)
    login_verified(client, staff(SAFEGUARDING))
    response = client.post(
        reverse("learners:record_consent", args=[learner.pk]),
        {
            "use": "website",
            "given": "False",
            "given_on": "2026-11-21",
            "recorded_by": "Mrs Jones (office), phone call from mum",
        },
        follow=True,
    )
    assert "Consent for website withdrawn." in response.content.decode()
    assert type(image).objects.get(pk=image.pk).is_withdrawn
    assert learner.consent_records.latest_first().first().given is False
    assert learner.consent_records.count() == 2  # history kept


def test_adding_to_the_do_not_publish_list_in_the_admin_withdraws_the_photo(client):
    learner = LearnerFactory(first_name="Amy", last_name="Smith")
    image = tagged_image(learner)
    login_verified(client, staff(SAFEGUARDING))
    response = client.post(
        reverse("learners:edit", args=[learner.pk]),
        {
            "first_name": "Amy",
            "last_name": "Smith",
            "year_group": "Year 3",
            "external_id": learner.external_id,
            "left_on": "",
            "do_not_publish": "on",
            "do_not_publish_reason": "Court order",
        },
    )
    assert response.status_code == 302
    assert type(image).objects.get(pk=image.pk).is_withdrawn


def test_an_editor_tagging_a_photo_sees_names_and_status_only(client, learner):
    other = LearnerFactory(first_name="Tom", last_name="Jones")
    ConsentRecordFactory(learner=other, use="website")
    ConsentRecordFactory(
        learner=other, use="closed_social", expires_on=datetime.date(2000, 1, 1)
    )
    editor = UserFactory(is_superuser=True)
    login_verified(client, editor)
    image = tagged_image()
    response = client.get(reverse("wagtailimages:edit", args=[image.pk]))
    content = response.content.decode()
    assert "Tom Jones (Year 3) — consent: website ✓, closed social ✗" in content
    assert "Amy Smith (Year 3) — do not publish" in content
    assert "Court order" not in content
    assert "Type part of a name or class" in content


def test_a_pictured_learner_cannot_be_deleted_in_the_admin(client):
    learner = LearnerFactory(first_name="Amy", last_name="Smith")
    image = tagged_image(learner)
    login_verified(client, UserFactory(is_superuser=True))
    response = client.post(reverse("learners:delete", args=[learner.pk]), follow=True)
    assert response.status_code == 200
    assert "is pictured in 1 image(s) or document(s), so cannot be deleted" in (
        response.content.decode()
    )
    assert image.learners.get() == learner


def test_the_image_form_saves_tags_and_refuses_a_contradiction(client):
    from wagtail.test.utils.form_data import querydict_from_html

    amy = LearnerFactory(first_name="Amy", last_name="Smith")
    left = LearnerFactory(first_name="Old", last_name="Boy", left_on="2020-07-20")
    image = tagged_image()
    login_verified(client, UserFactory(is_superuser=True))
    url = reverse("wagtailimages:edit", args=[image.pk])
    page = client.get(url).content.decode()
    assert "Old Boy" not in page  # a learner who has left cannot be tagged
    form = querydict_from_html(page, form_id="w-editor-form")

    form.setlist("learners", [str(amy.pk)])
    form["no_identifiable_learners"] = "on"
    response = client.post(url, form)
    assert "not both" in response.content.decode()

    del form["no_identifiable_learners"]
    form["description"] = "Amy reading in the library"
    form["staff_pictured"] = "Mr Jones"
    form["staff_consent_confirmed"] = "on"
    assert client.post(url, form).status_code == 302
    image = type(image).objects.get(pk=image.pk)
    assert list(image.learners.all()) == [amy]
    assert not image.no_identifiable_learners
    assert image.staff_consent_confirmed
    assert left not in image.learners.all()


def test_an_oversized_csv_upload_is_refused_with_its_size(client, settings):
    settings.LEARNER_IMPORT_MAX_BYTES = 1024 * 1024
    login_verified(client, staff(SAFEGUARDING))
    upload = SimpleUploadedFile("learners.csv", b"x" * 3 * 1024 * 1024)
    response = client.post(reverse("learners:import"), {"file": upload})
    content = response.content.decode()
    assert "The file is 3.0 MB; the limit is 1.0 MB" in content
    assert "Nothing was imported" in content


def test_withdrawn_images_are_not_offered_in_the_chooser(client):
    from django.utils import timezone

    kept = tagged_image(title="Library")
    withdrawn = tagged_image(title="Sports day", consent_withdrawn_at=timezone.now())
    login_verified(client, UserFactory(is_superuser=True))
    response = client.get(reverse("wagtailimages_chooser:choose"))
    content = response.json()["html"]
    assert kept.title in content
    assert withdrawn.title not in content


def test_a_withdrawn_image_can_still_be_opened_and_saved_in_the_admin(client):
    from wagtail.test.utils.form_data import querydict_from_html

    from moderation.consent.services import learner_set_do_not_publish

    learner = LearnerFactory()
    image = tagged_image(learner, title="Sports day")
    learner_set_do_not_publish(learner=learner, reason="")
    login_verified(client, UserFactory(is_superuser=True))
    assert client.get(reverse("wagtailimages:index")).status_code == 200
    url = reverse("wagtailimages:edit", args=[image.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    form["title"] = "Sports day (withdrawn)"
    assert client.post(url, form).status_code == 302
    image = type(image).objects.get(pk=image.pk)
    assert image.title == "Sports day (withdrawn)"
    assert image.is_withdrawn


def test_leaving_date_entered_in_the_admin_withdraws_the_photo(client):
    learner = LearnerFactory(first_name="Amy", last_name="Smith")
    image = tagged_image(learner)
    login_verified(client, staff(SAFEGUARDING))
    response = client.post(
        reverse("learners:edit", args=[learner.pk]),
        {
            "first_name": "Amy",
            "last_name": "Smith",
            "year_group": "Year 3",
            "external_id": learner.external_id,
            "left_on": "2020-07-20",
        },
    )
    assert response.status_code == 302
    assert type(image).objects.get(pk=image.pk).is_withdrawn
