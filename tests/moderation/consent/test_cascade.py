"""Withdrawal cascade: the image leaves the page, storage and API; others are told."""

import datetime

import pytest
from django.core.files.storage import storages
from django.db.models import ProtectedError
from django.template import Context, Template
from django.test import override_settings
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.rich_text import expand_db_html

from moderation.consent.audit import WITHDRAWN
from moderation.consent.cascade import media_recheck
from moderation.consent.services import (
    consent_expiry_sweep,
    consent_record,
    learner_set_do_not_publish,
)
from moderation.roles import SAFEGUARDING
from moderation.signals import consent_withdrawn
from tests.factories import (
    ConsentRecordFactory,
    LearnerFactory,
    NewsPageFactory,
    UserFactory,
    learner_with_consent,
    staff,
    tagged_image,
    untagged_document,
    untagged_image,
)
from tests.trust_schools import school_site
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

BLOCK_TEMPLATES = {
    "cms/blocks/captioned_image.html": '<img data-photo="{{ value.image.pk }}">',
    "cms/blocks/document_link.html": '<a data-doc="{{ value.document.pk }}">x</a>',
    "page.html": "{% load wagtailcore_tags %}{% include_block page.body %}",
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [("django.template.loaders.locmem.Loader", BLOCK_TEMPLATES)],
            "builtins": [],
        },
    }
]


@pytest.fixture
def withdrawals():
    """Every consent_withdrawn signal sent during the test."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    consent_withdrawn.connect(receiver)
    yield sent
    consent_withdrawn.disconnect(receiver)


@pytest.fixture
def officer():
    user = UserFactory(email="dsl@school.example")
    user.groups.add(user.groups.model.objects.get(name=SAFEGUARDING))
    return user


@pytest.fixture
def published(news_index):
    """A live page with a photo of Amy (all consent) in its body, plus a rendition."""
    amy = learner_with_consent(first_name="Amy", last_name="Smith")
    author = UserFactory(email="author@school.example")
    photo = tagged_image(amy, title="Sports day", uploaded_by_user=author)
    other = tagged_image(title="Library")
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        owner=author,
        body=[
            ("image", {"image": photo, "caption": ""}),
            ("image", {"image": other, "caption": ""}),
        ],
    )
    page.save_revision().publish()
    rendition = photo.get_rendition("fill-100x100")
    return {
        "learner": amy,
        "photo": photo,
        "other": other,
        "page": page,
        "rendition_name": rendition.file.name,
    }


def reload(image):
    # Not refresh_from_db(): Django re-reads the dimensions from the file, and a
    # withdrawn image's file has left public storage.
    return type(image).objects.get(pk=image.pk)


def rendered(page):
    page.refresh_from_db()
    with override_settings(TEMPLATES=TEMPLATES):
        return Template(BLOCK_TEMPLATES["page.html"]).render(
            Context({"page": page.specific})
        )


def api_image_ids(client):
    return {item["id"] for item in client.get("/api/v2/images/").json()["items"]}


def test_withdrawing_website_consent_removes_the_photo_everywhere(
    client,
    published,
    withdrawals,
    officer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    photo, other, page = published["photo"], published["other"], published["page"]
    public = storages["default"]
    original_name = photo.file.name
    assert f'data-photo="{photo.pk}"' in rendered(page)
    assert api_image_ids(client) == {photo.pk, other.pk}
    staff("other-dsl", SAFEGUARDING, site=school_site(2), email="dsl@other.example")
    client.defaults["HTTP_HOST"] = page.get_site().hostname  # two schools now

    with django_capture_on_commit_callbacks(execute=True):
        consent_record(
            learner=published["learner"],
            use="website",
            given=False,
            given_on=datetime.date(2026, 11, 21),
            recorded_by="Mrs Jones (office)",
        )

    photo = reload(photo)
    assert photo.is_withdrawn
    html = rendered(page)
    assert f'data-photo="{photo.pk}"' not in html
    assert f'data-photo="{other.pk}"' in html  # the page stays published without it
    assert page.live
    assert not public.exists(published["rendition_name"])
    assert not photo.renditions.exists()
    assert not public.exists(original_name)
    assert storages["withdrawn_media"].exists(photo.file.name)
    assert api_image_ids(client) == {other.pk}
    assert client.get(f"/api/v2/images/{photo.pk}/").status_code == 404
    assert withdrawals == [
        {
            "signal": consent_withdrawn,
            "image_ids": [photo.pk],
            "document_ids": [],
            "learner_id": published["learner"].pk,
            "reason": "consent for the website withdrawn",
        }
    ]
    assert ModelLogEntry.objects.filter(
        action=WITHDRAWN, object_id=str(photo.pk)
    ).exists()
    assert PageLogEntry.objects.filter(page=page, action=WITHDRAWN).exists()
    to_officer, to_author = mailoutbox
    assert to_officer.to == ["dsl@school.example"]  # never another school's
    assert "Amy Smith" in to_officer.subject
    assert "Sports day" in to_officer.body
    assert to_author.to == ["author@school.example"]
    assert "A.S." in to_author.subject
    assert "Amy" not in to_author.body
    assert page.title in to_author.body


def test_do_not_publish_withdraws_and_never_tells_the_reason(
    published, withdrawals, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        learner_set_do_not_publish(
            learner=published["learner"], reason="Court order: father"
        )
    published["photo"] = reload(published["photo"])
    assert published["photo"].is_withdrawn
    assert withdrawals[0]["reason"] == "put on the do-not-publish list"
    assert all("Court order" not in mail.body for mail in mailoutbox)


def test_withdrawing_public_social_consent_keeps_the_website_photo(
    published, withdrawals
):
    consent_record(
        learner=published["learner"],
        use="public_social",
        given=False,
        given_on=datetime.date(2026, 11, 21),
        recorded_by="Office",
    )
    published["photo"] = reload(published["photo"])
    assert not published["photo"].is_withdrawn
    assert withdrawals[0]["image_ids"] == [published["photo"].pk]
    assert (
        withdrawals[0]["reason"] == "consent for public social media accounts withdrawn"
    )


def test_withdrawn_image_in_rich_text_renders_nothing(published):
    photo = published["photo"]
    source = (
        f'<p>Hello</p><embed embedtype="image" format="fullwidth" id="{photo.pk}" '
        'alt="x"/>'
    )
    assert "<img" in expand_db_html(source)
    learner_set_do_not_publish(learner=published["learner"], reason="")
    assert expand_db_html(source) == "<p>Hello</p>"


def test_withdrawn_document_is_no_longer_served(client, news_index):
    learner = learner_with_consent()
    document = untagged_document(title="Newsletter")
    document.learners.set([learner])
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        body=[("document", {"document": document, "title": ""})],
    )
    page.save_revision().publish()
    assert client.get(document.url).status_code == 302  # to its public copy
    learner_set_do_not_publish(learner=learner, reason="")
    response = client.get(document.url)
    assert response.status_code == 404
    assert client.get("/api/v2/documents/").json()["items"] == []


def test_api_never_lists_an_untagged_image(client, news_index):
    untagged = untagged_image()
    declared = tagged_image()
    NewsPageFactory(parent=news_index, listing_image=declared)
    NewsPageFactory(parent=news_index, listing_image=untagged, live=False)
    assert api_image_ids(client) == {declared.pk}
    assert client.get(f"/api/v2/images/{untagged.pk}/").status_code == 404


def test_daily_check_withdraws_expired_consent_once(published, withdrawals):
    learner = published["learner"]
    ConsentRecordFactory(
        learner=learner, use="website", expires_on=datetime.date(2027, 7, 31)
    )
    assert consent_expiry_sweep(on=datetime.date(2027, 7, 31)) == 0
    published["photo"] = reload(published["photo"])
    assert not published["photo"].is_withdrawn

    assert consent_expiry_sweep(on=datetime.date(2027, 8, 1)) == 1
    published["photo"] = reload(published["photo"])
    assert published["photo"].is_withdrawn
    assert withdrawals[0]["reason"] == "consent for the website expired on 31 July 2027"
    assert consent_expiry_sweep(on=datetime.date(2027, 8, 2)) == 0


def test_daily_check_withdraws_images_of_learners_who_left(published):
    learner = published["learner"]
    learner.left_on = datetime.date(2027, 7, 20)
    learner.save()
    assert consent_expiry_sweep(on=datetime.date(2027, 7, 21)) == 1
    published["photo"] = reload(published["photo"])
    assert published["photo"].is_withdrawn
    assert consent_expiry_sweep(on=datetime.date(2027, 7, 22)) == 0


def test_a_pictured_learner_cannot_be_deleted():
    learner = LearnerFactory()
    image = tagged_image(learner)
    with pytest.raises(ProtectedError):
        learner.delete()
    assert image.learners.get() == learner


def test_withdrawal_takes_a_scheduled_page_off_the_schedule(
    news_index, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django.utils import timezone

    from cms.models import NewsPage
    from moderation.consent.audit import UNSCHEDULED

    learner = learner_with_consent()
    author = UserFactory(email="author@school.example")
    page = NewsPageFactory(
        parent=news_index, live=False, owner=author, listing_image=tagged_image(learner)
    )
    revision = page.save_revision(user=author)
    revision.approved_go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision.save()

    with django_capture_on_commit_callbacks(execute=True):
        learner_set_do_not_publish(learner=learner, reason="")

    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    assert PageLogEntry.objects.filter(page=page, action=UNSCHEDULED).exists()
    assert any(
        mail.subject == f"Not published: {page.title}"
        and "do-not-publish list" in mail.body
        for mail in mailoutbox
    )
    call_command("publish_scheduled")  # nothing left to refuse
    assert not NewsPage.objects.get(pk=page.pk).live


def test_pages_api_shows_nothing_of_a_withdrawn_photo(client, news_index):
    learner = learner_with_consent()
    photo = tagged_image(learner, title="Sports day")
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        listing_image=photo,
        body=[("image", {"image": photo, "caption": "Race"})],
    )
    page.save_revision().publish()
    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert detail["body"][0]["value"]["image"]["id"] == photo.pk
    assert detail["body"][0]["value"]["caption"] == "Race"
    assert "/media/public/images/" in detail["listing_image_thumbnail"]["url"]

    learner_set_do_not_publish(learner=learner, reason="")

    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert detail["body"][0]["value"] is None
    assert detail["listing_image_thumbnail"] is None


def test_video_blocks_saved_before_the_declaration_still_load_as_untagged(
    news_index,
):
    from cms.models import NewsPage
    from moderation.consent.rules import Channel, page_violations

    page = NewsPageFactory(parent=news_index, live=False)
    NewsPage.objects.filter(pk=page.pk).update(
        body='[{"type": "embed", "value": "https://youtu.be/abc", "id": "1"}]'
    )
    page = NewsPage.objects.get(pk=page.pk)
    assert page.body[0].value["embed"].url == "https://youtu.be/abc"
    [violation] = page_violations(page, channel=Channel.website())
    assert violation.code == "untagged"


def test_a_video_showing_a_withdrawn_learner_disappears_from_the_live_page(
    client, news_index
):
    learner = learner_with_consent()
    url = "https://www.youtube.com/watch?v=abc"
    video = {"embed": url, "learners_shown": "learners", "learners": [learner]}
    page = NewsPageFactory(parent=news_index, live=False, body=[("embed", video)])
    page.save_revision().publish()
    body = client.get(f"/api/v2/pages/{page.pk}/").json()["body"]
    assert body[0]["value"] == {"embed": url}

    consent_record(
        learner=learner,
        use="website",
        given=False,
        given_on=datetime.date(2026, 11, 21),
        recorded_by="Office",
    )

    page.refresh_from_db()
    assert page.body[0].render() == ""
    body = client.get(f"/api/v2/pages/{page.pk}/").json()["body"]
    assert body[0]["value"] is None


def test_tagging_a_live_photo_with_a_learner_without_consent_withdraws_it(
    client, published, withdrawals
):
    """The DSL recognises Ben in a live photo; his parents gave no consent (C1)."""
    other, page = published["other"], published["page"]
    ben = LearnerFactory(first_name="Ben", last_name="Hughes")
    dsl = UserFactory(is_superuser=True)
    login_verified(client, dsl)
    response = client.post(
        f"/admin/images/{other.pk}/",
        {
            "title": other.title,
            "description": "Children reading",
            "learners": [ben.pk],
            "no_identifiable_learners": "",
            "staff_pictured": "",
            "copyright_holder": "",
            "credit": "",
            "collection": other.collection_id,
            "tags": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    other = reload(other)
    assert other.is_withdrawn
    assert f'data-photo="{other.pk}"' not in rendered(page)
    assert other.pk not in api_image_ids(client)
    assert [w["image_ids"] for w in withdrawals] == [[other.pk]]
    entry = ModelLogEntry.objects.filter(action=WITHDRAWN).latest("timestamp")
    assert "B.H." in entry.data["reason"]
    assert "Hughes" not in entry.data["reason"]


def test_retagging_a_photo_on_no_live_page_only_blocks_publication(client, news_index):
    """A draft-only photo is not withdrawn: the rules refuse it at publication."""
    photo = tagged_image(title="Art club")
    ben = LearnerFactory(first_name="Ben", last_name="Hughes")
    photo.no_identifiable_learners = False
    photo.save()
    photo.learners.set([ben])

    assert media_recheck(item=photo) == []
    assert not reload(photo).is_withdrawn
