"""The upload box a teacher meets in the image chooser (issue 21, item 8).

What they must answer first, sensible defaults for the rest, Wagtail's tag jargon out
of the way.
"""

import pytest
from django.urls import reverse
from wagtail.models import Site

from cms.models import SchoolImage
from moderation import roles
from tests.e2e.photos import camera_photo
from tests.factories import learner_with_consent, staff
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(client, home_page):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Meadowbank Primary School"
    site.save()
    login_verified(client, staff("teacher", roles.EDITORS))
    return client


def chooser_html(client) -> str:
    return client.get(reverse("wagtailimages_chooser:choose")).json()["html"]


def test_the_chooser_opens_on_a_new_photo_with_the_teachers_fields_first(teacher):
    learner_with_consent(first_name="Nia", last_name="Jones")

    html = chooser_html(teacher)

    assert 'data-w-tabs-active-panel-id-value="tab-upload"' in html
    assert html.index("New photo") < html.index("Uploaded photos")
    upload = html[html.index('id="tab-upload"') :]
    more = upload.index("data-upload-more")
    first = upload[:more]

    def at(name: str) -> int:
        return first.index(f'name="image-chooser-upload-{name}"')

    assert at("file") < at("description") < at("learners")
    for tucked in ("tags", "copyright_holder", "credit", "title"):
        field = f'name="image-chooser-upload-{tucked}"'
        assert field in upload[more:], tucked
        assert field not in first, tucked
    assert "Keywords to find it later" in upload
    assert ">Tags<" not in upload.replace(" ", "").replace("\n", "")


def test_a_photo_uploaded_with_only_what_the_teacher_must_say_gets_sensible_defaults(
    teacher,
):
    nia = learner_with_consent(first_name="Nia", last_name="Jones")

    response = teacher.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-file": camera_photo("IMG_0042.jpg"),
            "image-chooser-upload-description": "Nia singing",
            "image-chooser-upload-learners": [nia.pk],
        },
    )

    assert response.json()["step"] == "chosen", response.json()
    image = SchoolImage.objects.get()
    assert image.title == "IMG 0042"
    assert image.copyright_holder == "Meadowbank Primary School"
    assert list(image.learners.all()) == [nia]


def test_an_error_in_the_tucked_away_fields_opens_them(teacher):
    response = teacher.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-file": camera_photo("IMG_0043.jpg"),
            "image-chooser-upload-description": "The hall",
            "image-chooser-upload-no_identifiable_learners": "on",
            "image-chooser-upload-credit": "x" * 300,
        },
    )

    html = response.json()["htmlFragment"]
    assert "data-upload-more" in html
    details = html[html.rindex("<details", 0, html.index("data-upload-more")) :]
    assert details.startswith("<details") and " open" in details[: details.index(">")]
