"""Every path to publication refuses a page that breaks the consent rules (C1-C4)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.revert_to_page_revision import RevertToPageRevisionAction
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import NewsPage
from moderation.consent.audit import PUBLISH_REFUSED
from moderation.consent.rules import ConsentViolation
from tests.factories import (
    NewsPageFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
    untagged_image,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def draft(news_index):
    """A draft news page whose listing photo is untagged."""
    page = NewsPageFactory(
        parent=news_index,
        live=False,
        listing_image=untagged_image(title="Sports day"),
        owner=UserFactory(),
    )
    page.save_revision()
    return page


def reload(page):
    return NewsPage.objects.get(pk=page.pk)


def test_revision_publish_is_refused_and_the_author_told(draft, mailoutbox):
    with pytest.raises(ConsentViolation) as refused:
        draft.get_latest_revision().publish()
    assert 'Image "Sports day" is not tagged' in str(refused.value)
    assert not reload(draft).live
    assert mailoutbox[-1].subject == f"Not published: {draft.title}"
    assert "is not tagged" in mailoutbox[-1].body


def test_tagged_page_publishes(draft):
    draft.listing_image = tagged_image(learner_with_consent())
    draft.save_revision().publish()
    assert reload(draft).live


def test_admin_publish_shows_the_violations_and_keeps_the_draft(
    client, admin_user, draft
):
    login_verified(client, admin_user)
    edit_url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    form = querydict_from_html(
        client.get(edit_url).content.decode(), form_id="page-edit-form"
    )
    form["body-count"] = "0"  # the StreamField widget is drawn by JavaScript
    form["summary"] = "Our new summary."
    form["action-publish"] = "action-publish"
    response = client.post(edit_url, form, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "was saved as a draft but not published" in content
    assert "is not tagged" in content
    page = reload(draft)
    assert not page.live
    assert page.get_latest_revision_as_object().summary == "Our new summary."
    assert PageLogEntry.objects.filter(page=draft, action=PUBLISH_REFUSED).exists()


def test_scheduled_go_live_is_refused_and_others_still_go_live(news_index, draft):
    good = NewsPageFactory(parent=news_index, live=False, listing_image=tagged_image())
    past = timezone.now() - datetime.timedelta(minutes=5)
    for page in (draft, good):
        revision = page.save_revision()
        revision.approved_go_live_at = past
        revision.save()
    with pytest.raises(ConsentViolation):
        call_command("publish_scheduled")
    # The refused revision is no longer scheduled, so the next run (one minute
    # later from cron) publishes the others.
    call_command("publish_scheduled")
    assert not reload(draft).live
    assert reload(good).live
    assert not draft.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_revert_to_a_revision_with_a_withdrawn_photo_is_refused(news_index, admin_user):
    image = tagged_image(learner_with_consent(), title="Choir")
    page = NewsPageFactory(parent=news_index, live=False, listing_image=image)
    old = page.save_revision()
    old.publish()
    page = reload(page)
    page.listing_image = tagged_image()
    page.save_revision().publish()
    image.consent_withdrawn_at = timezone.now()
    image.save()
    RevertToPageRevisionAction(reload(page), old, user=admin_user).execute()
    with pytest.raises(ConsentViolation) as refused:
        reload(page).get_latest_revision().publish(previous_revision=old)
    assert 'Image "Choir" was withdrawn' in str(refused.value)
    assert reload(page).listing_image_id != image.pk


def test_bulk_publish_is_refused_with_a_message(client, admin_user, draft):
    login_verified(client, admin_user)
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        + f"?id={draft.pk}"
    )
    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert response.status_code == 200
    assert "is not tagged" in response.content.decode()
    assert not reload(draft).live


def test_admin_api_publish_is_refused_with_the_reasons(client, admin_user, draft):
    login_verified(client, admin_user)
    response = client.post(f"/admin/api/main/pages/{draft.pk}/action/publish/")
    assert response.status_code == 403
    assert "is not tagged" in response.json()["detail"]
    assert not reload(draft).live


def test_a_page_created_live_in_code_is_kept_as_a_draft(news_index):
    page = NewsPageFactory(parent=news_index, listing_image=untagged_image())
    assert not NewsPage.objects.get(pk=page.pk).live


def test_publishing_a_new_page_in_the_admin_is_refused_and_the_draft_kept(
    client, admin_user, news_index
):
    image = untagged_image(title="Sports day")
    login_verified(client, admin_user)
    add_url = reverse("wagtailadmin_pages:add", args=("cms", "newspage", news_index.pk))
    form = querydict_from_html(
        client.get(add_url).content.decode(), form_id="page-edit-form"
    )
    for name, value in {
        "title": "Sports day",
        "slug": "sports-day",
        "summary": "A great day.",
        "listing_image": str(image.pk),
        "body-count": "0",
        "action-publish": "action-publish",
    }.items():
        form[name] = value
    response = client.post(add_url, form, follow=True)
    assert "was saved as a draft but not published" in response.content.decode()
    page = NewsPage.objects.get(slug="sports-day")
    assert not page.live
    assert page.get_latest_revision_as_object().listing_image_id == image.pk
