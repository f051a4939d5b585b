"""Nothing forgets who was pictured: the ledger keeps learners and fingerprints (C1).

Issue 9, bullet 5. Before: a delivery knew its image only by a foreign key, so an
image deleted (or retagged) after posting cut the link between the posts on X and
Facebook and the learners in them, and a later withdrawal never reached the posts.
"""

from __future__ import annotations

import hashlib

import pytest
import requests
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from moderation.roles import SAFEGUARDING
from publishing.models import Delivery, SocialPost
from tests import factories
from tests.twofactor import login_verified


def staff(role):
    user = factories.UserFactory()
    user.groups.add(Group.objects.get(name=role))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def photo_news(news_index, accounts, *learners, title):
    image = factories.tagged_image(*learners, title=f"{title} photo")
    page = factories.NewsPageFactory(
        parent=news_index, title=title, listing_image=image
    )
    for account in accounts:
        SocialPost.objects.create(
            page=page, account=account, text=f"{title}!", include_image=True
        )
    return page, image


def posts_up(emulator) -> list[str]:
    return [post["text"] for post in emulator.state()["posts"]]


def withdraw_in_the_admin(client, learner, django_capture_on_commit_callbacks):
    """The consent officer records a parent's withdrawal of website consent."""
    login_verified(client, staff(SAFEGUARDING))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("learners:record_consent", args=[learner.pk]),
            {
                "use": "website",
                "given": "False",
                "given_on": "2026-11-21",
                "recorded_by": "Office, phone call from mum",
            },
        )
    assert response.status_code == 302


@pytest.fixture
def posted(news_index, x_account, facebook_account, publish, worker):
    """Amy's photo posted to X and Facebook; Ben's photo posted to X."""
    amy = factories.learner_with_consent(first_name="Amy", last_name="Hughes")
    ben = factories.learner_with_consent(first_name="Ben", last_name="Owen")
    page, image = photo_news(
        news_index, [x_account, facebook_account], amy, title="Sports day"
    )
    other, _ = photo_news(news_index, [x_account], ben, title="Art club")
    publish(page)
    publish(other)
    worker.drain()
    return {"amy": amy, "ben": ben, "page": page, "image": image}


def test_the_ledger_records_who_was_pictured_and_the_bytes_that_left(
    posted, x_emulator
):
    amy, image = posted["amy"], posted["image"]
    deliveries = Delivery.objects.filter(page=posted["page"])
    assert {d.status for d in deliveries} == {Delivery.Status.SENT}
    [x_post] = [p for p in x_emulator.state()["posts"] if p["text"].startswith("Sp")]
    sent = requests.get(
        f"{x_emulator.base_url}/media/{x_post['media'][0]['id']}", timeout=5
    ).content
    for delivery in deliveries:
        assert delivery.pictured_learner_ids == [amy.pk]
        assert delivery.image_title == "Sports day photo"
        assert delivery.image_sha256 == hashlib.sha256(sent).hexdigest()
        assert len(delivery.image_perceptual_hash) == 16
    image.refresh_from_db()
    assert image.first_posted_at is not None


def test_deleting_a_posted_photo_takes_its_posts_down_and_the_ledger_remembers(
    client,
    posted,
    x_emulator,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    amy, image = posted["amy"], posted["image"]
    login_verified(client, factories.UserFactory(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailimages:delete", args=[image.pk]))
    assert response.status_code == 302
    worker.drain()

    assert not type(image).objects.filter(pk=image.pk).exists()
    assert posts_up(facebook_emulator) == []
    # Ben's post stays: the positive control that a deletion is not a purge.
    assert [text.split()[:2] for text in posts_up(x_emulator)] == [["Art", "club!"]]
    for delivery in Delivery.objects.filter(page=posted["page"]):
        assert delivery.status == Delivery.Status.RETRACTED
        assert delivery.image is None
        assert delivery.pictured_learner_ids == [amy.pk]  # who was pictured, kept
        assert len(delivery.image_sha256) == 64


def test_withdrawal_reaches_every_post_even_after_the_photo_lost_its_tags_and_link(
    client,
    posted,
    x_emulator,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    """The photo was retagged (Amy removed) and its link from the ledger is gone."""
    amy, image = posted["amy"], posted["image"]
    image.learners.clear()
    image.no_identifiable_learners = True
    image.save()
    # What deleting the image row would do to the ledger's foreign key (SET_NULL).
    Delivery.objects.filter(image=image).update(image=None)

    withdraw_in_the_admin(client, amy, django_capture_on_commit_callbacks)
    worker.drain()

    assert posts_up(facebook_emulator) == []
    # Ben's post stays: the positive control that a withdrawal is not a purge.
    assert [text.split()[:2] for text in posts_up(x_emulator)] == [["Art", "club!"]]
    retracted = Delivery.objects.filter(page=posted["page"])
    assert {d.status for d in retracted} == {Delivery.Status.RETRACTED}
    assert all("consent" in d.retract_reason.lower() for d in retracted)
