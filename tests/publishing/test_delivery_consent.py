"""Consent is checked again at send, and withdrawing it takes posts down (C1, C4)."""

from __future__ import annotations

from django.utils import timezone

from moderation.signals import consent_withdrawn
from publishing.models import Delivery, SocialPost
from tests import factories


def photo_news(news_index, account, learner):
    image = factories.tagged_image(learner, title="Sports day finish line")
    page = factories.NewsPageFactory(
        parent=news_index, title="Sports day", listing_image=image
    )
    SocialPost.objects.create(
        page=page, account=account, text="What a race!", include_image=True
    )
    return page, image


def test_a_photo_goes_with_the_post_when_consent_allows(
    news_index, x_account, x_emulator, publish, worker
):
    learner = factories.learner_with_consent()
    page, image = photo_news(news_index, x_account, learner)
    publish(page)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.SENT
    [post] = x_emulator.state()["posts"]
    [media] = post["media"]
    # Sent under a random name: the uploaded file name may name a pupil (issue 9).
    assert media["filename"].endswith((".png", ".jpg", ".gif", ".webp"))
    assert media["filename"] != image.file.name.rsplit("/", 1)[-1]


def test_consent_withdrawn_before_send_blocks_it_with_the_reason(
    news_index, x_account, x_emulator, publish, worker
):
    learner = factories.learner_with_consent()
    page, _ = photo_news(news_index, x_account, learner)
    publish(page)
    # The parent withdraws consent for public social media after approval.
    factories.ConsentRecordFactory(learner=learner, use="public_social", given=False)
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.BLOCKED
    assert "public social media" in delivery.reason
    assert x_emulator.state()["posts"] == []


def test_the_consent_withdrawn_signal_deletes_posts_that_carried_the_image(
    news_index,
    x_account,
    x_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    learner = factories.learner_with_consent()
    page, image = photo_news(news_index, x_account, learner)
    other = factories.NewsPageFactory(parent=news_index, title="Menu")
    SocialPost.objects.create(page=other, account=x_account, text="New menu")
    publish(page)
    publish(other)
    worker.drain()
    assert len(x_emulator.state()["posts"]) == 2

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdrawn.send(
            sender=None,
            image_ids=[image.pk],
            document_ids=[],
            learner_id=learner.pk,
            reason="Parent withdrew consent",
        )
    worker.drain()

    photo_post = Delivery.objects.get(page=page)
    assert photo_post.status == Delivery.Status.RETRACTED
    assert "Consent withdrawn" in photo_post.reason
    assert photo_post.retracted_at <= timezone.now()
    [left] = x_emulator.state()["posts"]
    assert "New menu" in left["text"]


def test_consent_withdrawn_before_send_cancels_the_post(
    news_index, x_account, x_emulator, publish, worker
):
    learner = factories.learner_with_consent()
    page, image = photo_news(news_index, x_account, learner)
    publish(page)
    consent_withdrawn.send(
        sender=None,
        image_ids=[image.pk],
        document_ids=[],
        learner_id=learner.pk,
        reason="Parent withdrew consent",
    )
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.CANCELLED
    assert "Parent withdrew consent" in delivery.reason
    assert x_emulator.state()["posts"] == []
