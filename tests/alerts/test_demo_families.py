"""`make run`'s demo families and phone: approving the demo post waiting for approval
visibly sends their alerts to the mail sink and the push service."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from rq import SimpleWorker

from alerts.models import PushDevice, Subscriber
from cms.models import NewsPage
from cms.preparation.queueing import media_queue
from publishing.management.commands.load_demo_publishing import WAITING_TITLE
from tests.twofactor import login_verified


def test_approving_the_demo_post_reaches_the_families_and_the_phone(
    db, smtp, push, worker, client, django_capture_on_commit_callbacks
):
    for command in (
        "load_demo_school",
        "load_demo_learners",
        "load_demo_publishing",
        "load_demo_subscribers",
        "load_demo_subscribers",  # idempotent
    ):
        call_command(command, stdout=io.StringIO())
    assert Subscriber.objects.receiving().count() == 3
    [phone] = PushDevice.objects.all()  # a device the push service knows

    waiting = NewsPage.objects.get(title=WAITING_TITLE)
    task_state = waiting.current_workflow_task_state
    login_verified(client, get_user_model().objects.get(username="approver"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation_workflow:review", args=(task_state.pk,)),
            {"action": "approve", "revision_id": task_state.revision_id},
        )
    media = media_queue()  # its photo's public copies are made, then it goes live
    with django_capture_on_commit_callbacks(execute=True):
        SimpleWorker([media], connection=media.connection).work(burst=True)
    worker.drain()

    waiting.refresh_from_db()
    assert waiting.live
    # The family who chose news straight away (the staff get their own emails).
    [mail] = [m for m in smtp.received if "@families.example" in m.recipients[0]]
    assert mail.recipients == ["the.smiths@families.example"]
    assert WAITING_TITLE in mail.subject
    [shown] = push.shown(phone.endpoint)
    assert WAITING_TITLE in shown.title


def test_refuses_production_settings(db, settings):
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo_subscribers")
    assert not Subscriber.objects.exists()
