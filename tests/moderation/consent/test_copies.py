"""A withdrawn picture cannot come back: copies inherit tags and withdrawal (C1, C2).

Issue 9, bullet 6. Before: the same file uploaded again as a new image (Wagtail's
duplicate warning can be dismissed), declared "no identifiable learners", approved and
published.
"""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import querydict_from_html

from moderation.consent.services import consent_record
from moderation.roles import EDITORS, SAFEGUARDING
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    UserFactory,
    distinct_picture,
    learner_with_consent,
    school_collection,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
EDITOR = "w-editor-form"  # the id of Wagtail's edit form

SEED = 1_000_004_242  # far from the factories' seeds, which count up from 1


def staff(role, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def resized_jpeg(data: bytes) -> bytes:
    """The same picture at twice the size, re-encoded as JPEG (a different file)."""
    with Image.open(io.BytesIO(data)) as picture:
        bigger = picture.resize((picture.width * 2, picture.height * 2))
        buffer = io.BytesIO()
        bigger.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def upload(client, data: bytes, *, name: str, title: str, **fields):
    """Upload through the admin's add-image form as an editor would."""
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile(name, data),
            "collection": school_collection().pk,
            "tags": "",
            "description": "",
            "copyright_holder": "Our School",
            "credit": "",
            "staff_pictured": "",
            **fields,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return get_image_model().objects.get(title=title)


@pytest.fixture
def withdrawn(db):
    """Amy's photo, withdrawn when her parents withdrew website consent."""
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    original = ImageFactory(
        title="Sports day",
        file=ContentFile(distinct_picture(SEED), name="sports.png"),
        no_identifiable_learners=False,
    )
    original.learners.set([amy])
    consent_record(
        learner=amy,
        use="website",
        given=False,
        given_on=amy.consent_records.first().given_on,
        recorded_by="Office",
    )
    return {"amy": amy, "original": get_image_model().objects.get(pk=original.pk)}


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (distinct_picture(SEED), "IMG_0001.png"),  # the very same file
        (resized_jpeg(distinct_picture(SEED)), "sports-small.jpg"),  # resized copy
    ],
    ids=["same file", "resized and re-encoded"],
)
def test_a_withdrawn_photo_uploaded_again_is_withdrawn_and_keeps_its_learners(
    client, withdrawn, mailoutbox, data, name, django_capture_on_commit_callbacks
):
    officer = staff(SAFEGUARDING, email="dsl@school.example")
    assert withdrawn["original"].is_withdrawn
    login_verified(client, staff(EDITORS))
    with django_capture_on_commit_callbacks(execute=True):
        copy = upload(
            client,
            data,
            name=name,
            title="Sports day again",
            no_identifiable_learners="on",
        )
    assert copy.is_withdrawn
    assert list(copy.learners.all()) == [withdrawn["amy"]]
    assert not copy.no_identifiable_learners
    # The editor sees it on the edit form; the consent officer is told by email.
    edit = client.get(reverse("wagtailimages:edit", args=[copy.pk])).content.decode()
    assert "This is a copy of “Sports day” (withdrawn because consent ended" in edit
    [mail] = [m for m in mailoutbox if officer.email in m.to and "matches" in m.subject]
    assert "Sports day again" in mail.subject
    # It cannot be published: the rules see a withdrawn item.
    from moderation.consent.rules import Channel, media_violations

    assert (
        "was withdrawn" in media_violations(copy, channel=Channel.website())[0].message
    )

    # Positive control: a different picture uploaded is neither tagged nor withdrawn.
    other = upload(
        client, distinct_picture(SEED + 1), name="other.png", title="Library"
    )
    assert not other.is_withdrawn
    assert not other.learners.exists()


def test_an_editor_cannot_dismiss_a_match_but_the_consent_officer_can(client, db):
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    original = ImageFactory(
        title="Choir",
        file=ContentFile(distinct_picture(SEED), name="choir.png"),
        no_identifiable_learners=False,
    )
    original.learners.set([amy])
    login_verified(client, staff(EDITORS))
    copy = upload(client, distinct_picture(SEED), name="c.png", title="Choir 2")
    assert list(copy.learners.all()) == [amy]

    url = reverse("wagtailimages:edit", args=[copy.pk])
    form = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    form.setlist("learners", [])
    form["no_identifiable_learners"] = "on"
    response = client.post(url, dict(form.lists()))
    assert "a copy of a picture already tagged or withdrawn" in (
        response.content.decode()
    )
    assert list(get_image_model().objects.get(pk=copy.pk).learners.all()) == [amy]

    login_verified(client, staff(SAFEGUARDING))  # with a fresh code
    form = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    form.setlist("learners", [])
    form["no_identifiable_learners"] = "on"
    assert client.post(url, dict(form.lists())).status_code == 302
    assert not get_image_model().objects.get(pk=copy.pk).learners.exists()


def test_the_same_document_uploaded_again_keeps_its_learners(client, db):
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    letter = b"%PDF-1.4 Class 3 newsletter with photos\n"
    original = DocumentFactory(
        title="Class 3 newsletter",
        file=ContentFile(letter, name="newsletter.pdf"),
        no_identifiable_learners=False,
    )
    original.learners.set([amy])
    login_verified(client, staff(EDITORS))

    def upload_document(data, title):
        response = client.post(
            reverse("wagtaildocs:add"),
            {
                "title": title,
                "file": SimpleUploadedFile("letter.pdf", data),
                "collection": school_collection().pk,
                "tags": "",
                "copyright_holder": "Our School",
                "credit": "",
                "staff_pictured": "",
                "no_identifiable_learners": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        return get_document_model().objects.get(title=title)

    copy = upload_document(letter, "Newsletter again")
    assert list(copy.learners.all()) == [amy]
    assert not copy.no_identifiable_learners
    # Positive control: another letter is not a copy.
    other = upload_document(b"%PDF-1.4 Dinner menu\n", "Menu")
    assert not other.learners.exists()
    assert other.no_identifiable_learners
