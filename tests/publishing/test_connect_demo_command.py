"""The demo's accounts are connected to the emulators, once, and never in production."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from publishing.models import Delivery, SocialAccount, SocialPost
from tests import factories


def test_connects_the_four_demo_accounts_idempotently(
    db,
    x_emulator,
    x_settings,
    facebook_settings,
    instagram_settings,
    bluesky_settings,
    instagram_emulator,
    bluesky_emulator,
    news_index,
    publish,
    worker,
):
    factories.UserFactory(username="head")
    factories.UserFactory(username="approver")
    out = io.StringIO()
    call_command("connect_demo_social_accounts", stdout=out)
    call_command("connect_demo_social_accounts", stdout=out)

    accounts = SocialAccount.objects.order_by("network")
    assert [(a.network, a.connection) for a in accounts] == [
        ("bluesky", "connected"),
        ("facebook", "connected"),
        ("instagram", "connected"),
        ("x", "connected"),
    ]
    assert accounts.get(network="x").handle == "@OurSchool"
    assert "Connected Demo X account" in out.getvalue()

    learner = factories.learner_with_consent()
    image = factories.tagged_image(learner, title="Demo photo")
    page = factories.NewsPageFactory(parent=news_index, listing_image=image)
    for network in ("x", "instagram", "bluesky"):
        SocialPost.objects.create(
            page=page,
            account=accounts.get(network=network),
            text="Hello from the demo",
            include_image=network == "instagram",
        )
    publish(page)
    worker.drain()
    assert {d.status for d in Delivery.objects.all()} == {Delivery.Status.SENT}
    assert len(instagram_emulator.state()["media"]) == 1
    assert len(bluesky_emulator.state()["posts"]) == 1


def test_refuses_production_settings(db, settings):
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="not in production"):
        call_command("connect_demo_social_accounts")


def test_needs_demo_staff_first(db):
    with pytest.raises(CommandError, match="load the demo school first"):
        call_command("connect_demo_social_accounts")
