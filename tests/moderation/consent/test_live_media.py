"""Changes to live media: only the consent officer loosens them, with step-up (C1, C2).

Issue 9, bullet 4. Before: an editor alone replaced the file of a live, approved photo
(the new picture was public at once) or removed a learner and ticked "no identifiable
learners" (nothing linked the photo to the learner any more).
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from moderation.consent.audit import LOOSENED
from moderation.roles import EDITORS, SAFEGUARDING
from tests.factories import (
    NewsPageFactory,
    UserFactory,
    distinct_picture,
    learner_with_consent,
    tagged_image,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
EDITOR = "w-editor-form"  # the id of Wagtail's edit form

STALE = 0.0  # epoch seconds: a code checked long ago


def staff(role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def live(news_index):
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    ben = learner_with_consent(first_name="Ben", last_name="Owen")
    photo = tagged_image(
        amy, ben, title="Sports day", description="Children racing on sports day"
    )
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        body=[("image", {"image": photo, "caption": "The finish line"})],
    )
    page.save_revision().publish()
    return {"amy": amy, "ben": ben, "photo": photo, "page": page}


def reload(item):
    return type(item).objects.get(pk=item.pk)


def public_pictures(client, page) -> list[str]:
    """The addresses of the pictures a visitor's browser loads from the page."""
    html = client.get(page.url).content.decode()
    return re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)


def edit_form(client, photo):
    url = reverse("wagtailimages:edit", args=[photo.pk])
    form = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    return url, form


def replacement_file():
    return SimpleUploadedFile(
        "new.png", distinct_picture(1_000_099_999), content_type="image/png"
    )


def test_an_editor_cannot_replace_the_file_of_a_live_photo(client, live):
    photo, page = live["photo"], live["page"]
    before = public_pictures(client, page)
    assert before  # positive control: the approved photo is on the page
    login_verified(client, staff(EDITORS))
    url, form = edit_form(client, photo)
    form["file"] = replacement_file()
    response = client.post(url, dict(form.lists()))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved. Because it is on the live website" in content
    assert "only the consent officer can replace the file" in content
    assert reload(photo).sha256 == photo.sha256
    client.logout()
    assert public_pictures(client, page) == before


def test_an_editor_cannot_untag_a_live_photo(client, live):
    photo, amy, ben = live["photo"], live["amy"], live["ben"]
    login_verified(client, staff(EDITORS))
    url, form = edit_form(client, photo)
    form.setlist("learners", [])
    form["no_identifiable_learners"] = "on"
    response = client.post(url, dict(form.lists()))
    content = response.content.decode()
    assert "only the consent officer can remove a learner or declare" in content
    assert set(reload(photo).learners.all()) == {amy, ben}
    assert not reload(photo).no_identifiable_learners

    # Positive control: making it safer (adding a learner) applies at once.
    cara = learner_with_consent(first_name="Cara", last_name="Lewis")
    form = edit_form(client, photo)[1]
    form.setlist("learners", [str(amy.pk), str(ben.pk), str(cara.pk)])
    response = client.post(url, dict(form.lists()))
    assert response.status_code == 302, response.context["form"].errors
    assert set(reload(photo).learners.all()) == {amy, ben, cara}


def test_the_consent_officer_needs_a_fresh_code_then_the_change_is_logged(client, live):
    photo, page, amy, ben = live["photo"], live["page"], live["amy"], live["ben"]
    before = public_pictures(client, page)
    officer = staff(SAFEGUARDING)
    login_verified(client, officer, verified_at=STALE)
    url, form = edit_form(client, photo)
    form.setlist("learners", [str(amy.pk)])
    form["file"] = replacement_file()
    response = client.post(url, dict(form.lists()))
    assert "you need to confirm it is you" in response.content.decode()
    assert set(reload(photo).learners.all()) == {amy, ben}

    login_verified(client, officer)  # a fresh code
    url, form = edit_form(client, photo)
    form.setlist("learners", [str(amy.pk)])
    form["file"] = replacement_file()
    assert client.post(url, dict(form.lists())).status_code == 302
    changed = reload(photo)
    assert list(changed.learners.all()) == [amy]
    assert changed.sha256 != photo.sha256
    entry = ModelLogEntry.objects.get(action=LOOSENED, object_id=str(photo.pk))
    assert entry.user == officer
    assert entry.data["changes"] == ["replace the file", "remove a learner"]
    client.logout()
    assert public_pictures(client, page) != before


def test_a_draft_only_photo_can_be_retagged_by_its_editor(client, news_index):
    """Positive control: the rule is about live, posted or copied media only."""
    amy = learner_with_consent()
    photo = tagged_image(amy, title="Art club")
    login_verified(client, staff(EDITORS))
    url, form = edit_form(client, photo)
    form.setlist("learners", [])
    form["no_identifiable_learners"] = "on"
    assert client.post(url, dict(form.lists())).status_code == 302
    assert reload(photo).no_identifiable_learners


def test_deleting_a_withdrawn_photo_is_refused(client, live):
    """Its fingerprints are how a copy uploaded later is recognised."""
    from moderation.consent.services import learner_set_do_not_publish

    photo, amy = live["photo"], live["amy"]
    learner_set_do_not_publish(learner=amy, reason="")
    login_verified(client, UserFactory(is_superuser=True))
    response = client.post(
        reverse("wagtailimages:delete", args=[photo.pk]), follow=True
    )
    assert "cannot be deleted because it was withdrawn" in response.content.decode()
    assert type(photo).objects.filter(pk=photo.pk).exists()

    # Positive control: a photo that was never withdrawn can be deleted.
    spare = tagged_image(title="Spare")
    client.post(reverse("wagtailimages:delete", args=[spare.pk]))
    assert not type(spare).objects.filter(pk=spare.pk).exists()
