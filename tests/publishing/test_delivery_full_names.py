"""A pupil's photo never reaches a network beside their full name (C3, issue 20).

The approval refuses a post whose own text names a pictured pupil in full, and the
worker reads the post again just before sending: the register may have learned a
name since approval (a known-as name recorded by the consent officer), or the
picture the queued post carries may have been renamed. Issue 20 saw "Millie and Tom
J…" with a look-alike letter go to Facebook with Millie's photo.
"""

from __future__ import annotations

import pytest

from moderation.consent.rules import ConsentViolation
from publishing.models import Delivery, SocialPost
from tests import factories

FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in "Millie Jones")

#: How people write a name in a post: each must stop the photo.
POST_TEXTS = {
    "siblings": "Go Millie and Tom Jones!",
    "middle name": "Well done Millie Rose Jones!",
    "initial between": "Well done Millie R. Jones!",
    "surname first": "Jones, Millie: first place!",
    "zero-width space and soft hyphen": "Go Mil\u200blie Jo\u00adnes!",
    "word joiner": "Go Millie\u2060Jones!",
    "Cyrillic o": "Go Millie and Tom J\u043enes!",
    "Greek omicron": "Go Millie J\u03bfnes!",
    "full-width letters": f"Go {FULL_WIDTH}!",
    "hashtag": "#MillieJones wins!",
    "next line": "Millie won the race!\nThe Jones family were cheering.",
}


def photo_post(news_index, account, learner, text: str):
    """A news page with the learner's photo, posted to ``account`` with ``text``."""
    image = factories.tagged_image(learner, title="Sports day finish line")
    page = factories.NewsPageFactory(
        parent=news_index, title="Sports day", listing_image=image
    )
    SocialPost.objects.create(page=page, account=account, text=text, include_image=True)
    return page, image


@pytest.mark.parametrize("text", POST_TEXTS.values(), ids=POST_TEXTS.keys())
def test_a_name_learned_after_approval_stops_the_photo_going_to_facebook(
    news_index, facebook_account, facebook_emulator, publish, worker, text
):
    """Approved while the register did not know her as Millie; sent after it did."""
    learner = factories.learner_with_consent(first_name="Amelia", last_name="Jones")
    page, _ = photo_post(news_index, facebook_account, learner, text)
    publish(page)
    learner.known_as = "Millie"  # the consent officer records her known-as name
    learner.save()
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.status == Delivery.Status.BLOCKED
    assert "first name and surname" in delivery.reason
    assert facebook_emulator.state()["posts"] == []


def test_a_first_name_alone_goes_to_facebook_with_the_photo(
    news_index, facebook_account, facebook_emulator, publish, worker
):
    """Positive control: the same post with first names only is sent."""
    learner = factories.learner_with_consent(
        first_name="Amelia", last_name="Jones", known_as="Millie"
    )
    page, _ = photo_post(news_index, facebook_account, learner, "Go Millie and Tom!")
    publish(page)
    worker.drain()

    assert Delivery.objects.get(page=page).status == Delivery.Status.SENT
    [post] = facebook_emulator.state()["posts"]
    assert "Go Millie and Tom!" in post["text"]


@pytest.mark.parametrize("text", POST_TEXTS.values(), ids=POST_TEXTS.keys())
def test_approval_refuses_a_post_that_names_a_pictured_pupil(
    news_index, x_account, x_emulator, publish, worker, text
):
    learner = factories.learner_with_consent(
        first_name="Amelia", last_name="Jones", known_as="Millie"
    )
    page, _ = photo_post(news_index, x_account, learner, text)
    with pytest.raises(ConsentViolation) as refused:
        publish(page)
    worker.drain()

    assert "first name and surname" in str(refused.value)
    assert not Delivery.objects.filter(page=page).exists()
    assert x_emulator.state()["posts"] == []


def test_the_picture_a_queued_post_carries_is_read_even_if_the_page_changed(
    news_index, facebook_account, facebook_emulator, publish, worker
):
    """The photo written into the ledger is sent, so its own words are read too."""
    learner = factories.learner_with_consent(first_name="Amelia", last_name="Jones")
    page, image = photo_post(news_index, facebook_account, learner, "What a race!")
    publish(page)
    # Before the worker sends: the page gets another picture (the queued post keeps
    # the first), and the first picture's alt text is rewritten with her name.
    page.listing_image = factories.tagged_image(title="The track")
    publish(page)
    image.description = "Amelia Rose J\u043enes crossing the line"
    image.save()
    worker.drain()

    delivery = Delivery.objects.get(page=page)
    assert delivery.image_id == image.pk
    assert delivery.status == Delivery.Status.BLOCKED
    assert "first name and surname" in delivery.reason
    assert facebook_emulator.state()["posts"] == []
