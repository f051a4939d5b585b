"""The full-name rule reads everything published and every form of a name (C3).

Issue 9, bullet 8. Before, all of these went out with the learner's photo: the name
surname-first ("Jones, Amelia"), in a hashtag or handle, in the page's slug, in the
uploaded file name, the image's credit or Wagtail tags, and the preferred name.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from moderation.consent.rules import Channel, page_violations
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsPageFactory,
    NoticeIndexPageFactory,
    NoticePageFactory,
    UserFactory,
    distinct_picture,
    learner_with_consent,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
EDITOR = "w-editor-form"  # the id of Wagtail's edit form
WEBSITE = Channel.website()


@pytest.fixture
def amelia():
    return learner_with_consent(
        first_name="Amélia", last_name="Jones", known_as="Millie"
    )


def photo_of(learner, **fields):
    image = ImageFactory(no_identifiable_learners=False, **fields)
    image.learners.set([learner])
    return image


def codes(page, channel=WEBSITE):
    return [violation.code for violation in page_violations(page, channel=channel)]


NAME_FORMS = [
    "Jones, Amelia",
    "Jones Amelia",
    "#AmeliaJones",
    "#ameliajones",
    "@amelia_jones",
    "@JonesAmelia",
    "amelia-jones",
    "amelia.jones",
    "AMELIA JONES",
    "AmeliaJones",
    "Amelia\nJones",
    "Amelia\u00a0\u00a0 Jones",
    "Amelia Jones's painting",
    "Amélia Jones",
    "Millie Jones",  # her known-as name
    "#MillieJones",
]


@pytest.mark.parametrize("text", NAME_FORMS)
def test_every_form_of_the_full_name_in_the_summary_is_refused(
    news_index, amelia, text
):
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        summary=f"Well done {text}!",
        listing_image=photo_of(amelia),
    )
    assert codes(page) == ["full_name"]


@pytest.mark.parametrize(
    "text",
    ["Well done Amelia!", "Millie and the Jones family", "Amelia Jonesy", "Mrs Jones"],
)
def test_a_first_name_alone_passes(news_index, amelia, text):
    """Positive control: the same page with only a first name may be published."""
    page = NewsPageFactory(
        parent=news_index, live=False, summary=text, listing_image=photo_of(amelia)
    )
    assert codes(page) == []


def declared_document(title):
    return DocumentFactory(title=title, no_identifiable_learners=True)


def published_with(news_index, learner, where: str, text: str):
    """A page with the learner's photo and ``text`` in one published place."""
    image_fields = {}
    page_fields = {"summary": "A great day."}
    if where == "file name":
        image_fields["file"] = ContentFile(
            distinct_picture(1_000_000_007), name=f"{text}.png"
        )
    elif where in ("credit", "title", "description"):
        image_fields[where] = text
    elif where in ("slug", "search_description", "seo_title"):
        page_fields[where] = text
    image = photo_of(learner, **image_fields)
    if where == "tags":
        image.tags.add(text)
    body = [("image", {"image": image, "caption": ""})]
    if where == "document title":
        body.append(("document", {"document": declared_document(text), "title": "PDF"}))
    return NewsPageFactory(parent=news_index, live=False, body=body, **page_fields)


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("slug", "amelia-jones-wins"),
        ("file name", "amelia_jones_sports_day"),
        ("credit", "Photo: AmeliaJones mum"),
        ("tags", "Amelia Jones"),
        ("title", "Jones, Amelia on sports day"),
        ("description", "#AmeliaJones crossing the line"),
        ("search_description", "Amelia Jones wins"),
        ("seo_title", "Amelia Jones wins"),
        ("document title", "Certificate for Amelia Jones"),
    ],
)
def test_the_name_is_read_wherever_it_is_published(news_index, amelia, where, text):
    page = published_with(news_index, amelia, where, text)
    assert codes(page) == ["full_name"]


def test_a_notice_message_and_a_social_text_are_read(home_page, amelia):
    notices = NoticeIndexPageFactory(parent=home_page)
    notice = NoticePageFactory(
        parent=notices,
        live=False,
        message=f'<p>Lost: Amelia\u00a0Jones\'s coat</p><embed embedtype="image" '
        f'id="{photo_of(amelia).pk}" format="left" alt="a coat"/>',
    )
    assert codes(notice) == ["full_name"]
    plain = NoticePageFactory(
        parent=notices,
        live=False,
        message=f'<p>Lost coat</p><embed embedtype="image" '
        f'id="{photo_of(amelia).pk}" format="left" alt="a coat"/>',
    )
    assert codes(plain) == []  # positive control
    social = Channel.social("Parents", closed=True, text="Go #MillieJones!")
    assert codes(plain, social) == ["full_name"]


def test_the_consent_officer_records_a_known_as_name_in_the_register(client):
    from django.contrib.auth.models import Group

    from moderation.models import Learner
    from moderation.roles import SAFEGUARDING

    learner = learner_with_consent(first_name="Amelia", last_name="Jones")
    officer = UserFactory()
    officer.groups.add(Group.objects.get(name=SAFEGUARDING))
    login_verified(client, officer)
    url = reverse("learners:edit", args=[learner.pk])
    form = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    form["known_as"] = "Millie"
    assert client.post(url, form).status_code == 302
    assert Learner.objects.get(pk=learner.pk).known_as == "Millie"
