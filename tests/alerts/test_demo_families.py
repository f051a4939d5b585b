"""`make run`'s demo families: approving news visibly sends their alerts to the sink."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from alerts.models import Subscriber
from tests import factories


def test_the_demo_families_are_confirmed_once_and_get_approved_news(
    school, smtp, worker, publish
):
    call_command("load_demo_subscribers")
    call_command("load_demo_subscribers")  # idempotent
    assert Subscriber.objects.receiving().count() == 3
    publish(
        factories.NewsPageFactory(
            parent=school.news_index, title="Year 4 sing for the mayor", live=False
        )
    )
    worker.drain()
    [mail] = smtp.received  # the family who chose news straight away
    assert mail.recipients == ["the.smiths@families.example"]
    assert "Year 4 sing for the mayor" in mail.subject


def test_refuses_production_settings(db, settings):
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_subscribers")
    assert not Subscriber.objects.exists()
