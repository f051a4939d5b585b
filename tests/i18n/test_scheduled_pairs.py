"""A bilingual pair scheduled for later goes live together, or neither does, and
expires together (issue 27): the go-live job publishes both languages in one
transaction, never one alone."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision

from tests.i18n.scheduling import scheduled_time_comes
from tests.i18n.test_parity import approve, draft_pair
from tests.moderation.workflow.conftest import signed_in, submit

pytestmark = pytest.mark.django_db


def test_a_pair_whose_welsh_go_live_was_cancelled_goes_live_in_neither_language(
    bilingual,
    author,  # noqa: F811
    approver,  # noqa: F811
):
    english, welsh = draft_pair(bilingual, author)
    english.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    submit(english, author)
    approve(signed_in(approver), english.current_workflow_task_state)
    # Someone cancels the Welsh version's scheduled publish; the English stays due.
    Revision.objects.filter(object_id=str(welsh.pk)).update(approved_go_live_at=None)
    scheduled_time_comes(english)

    call_command("publish_scheduled")
    call_command("publish_scheduled")  # a minute later: still nothing goes alone

    assert not Page.objects.get(pk=english.pk).live
    assert not Page.objects.get(pk=welsh.pk).live
    dashboard = signed_in(approver).get(reverse("wagtailadmin_home")).content.decode()
    assert "“Trip” did not go live at its scheduled time, in any language" in dashboard
    assert "its Cymraeg version was not approved to go live with it" in dashboard
    [email] = [sent for sent in mail.outbox if sent.subject == "Not published: Trip"]
    assert approver.email in email.to and author.email in email.to


def test_an_expired_page_takes_its_other_language_off_as_expired_too(client, bilingual):
    english, welsh = bilingual.english_story, bilingual.welsh_story
    Page.objects.filter(pk=english.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    call_command("publish_scheduled")

    for page in (english, welsh):
        page = Page.objects.get(pk=page.pk)
        assert not page.live and page.expired
        history = PageLogEntry.objects.filter(page=page).order_by("-timestamp", "-pk")
        assert history.first().action == "wagtail.unpublish.scheduled"
    assert client.get("/cy/newyddion/diwrnod-mabolgampau/").status_code == 404
    listed = client.get("/api/v2/pages/", {"type": "cms.NewsPage", "locale": "cy"})
    assert listed.json()["items"] == []
