"""The consent check: first step of every workflow run, and again at go-live (C1-C4)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from moderation.consent.rules import ConsentViolation
from tests.factories import (
    LearnerFactory,
    NewsPageFactory,
    learner_with_consent,
    tagged_image,
)
from tests.moderation.workflow.conftest import news_edit_form, signed_in, submit


@pytest.fixture
def unconsented_draft(news_index, author):
    """A draft whose photo shows a learner with no consent on record."""
    photo = tagged_image(LearnerFactory(first_name="Sam"), title="Sports day")
    page = NewsPageFactory(
        parent=news_index, live=False, owner=author, listing_image=photo
    )
    page.save_revision(user=author)
    return page


def review(client, task_state, **data):
    return client.post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"revision_id": task_state.revision_id, **data},
        follow=True,
    )


def test_violation_returns_the_page_to_its_author_with_the_list(
    unconsented_draft, author, approver
):
    mail.outbox.clear()

    response = signed_in(author).post(
        reverse("wagtailadmin_pages:edit", args=(unconsented_draft.pk,)),
        news_edit_form(unconsented_draft, **{"action-submit": "1"}),
        follow=True,
    )

    workflow_state = unconsented_draft.current_workflow_state
    assert workflow_state.status == "needs_changes"
    comment = workflow_state.current_task_state.comment
    assert 'Image "Sports day"' in comment
    assert "who has no consent for the website" in response.content.decode()
    to_author = [message for message in mail.outbox if author.email in message.to]
    assert len(to_author) == 1
    assert 'Image "Sports day"' in to_author[0].body
    assert approver.email not in [a for m in mail.outbox for a in m.to]
    unconsented_draft.refresh_from_db()
    assert not unconsented_draft.live


def test_author_dashboard_shows_why_it_was_sent_back(unconsented_draft, author):
    submit(unconsented_draft, author)

    response = signed_in(author).get(reverse("wagtailadmin_home"))

    assert b"data-moderation-panel" in response.content
    assert b"Sent back for changes" in response.content
    assert b"Sports day" in response.content


def test_consent_withdrawn_while_waiting_stops_the_approval(
    news_index, author, approver
):
    photo = tagged_image(learner_with_consent(), title="Choir")
    page = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    submit(page, author)
    task_state = page.current_workflow_task_state
    photo.consent_withdrawn_at = timezone.now()
    photo.save()

    response = review(signed_in(approver), task_state, action="approve")

    page.refresh_from_db()
    assert not page.live
    assert b"The consent check fails now" in response.content
    assert task_state.task.specific.get_actions(page, approver)  # still waiting


def test_approved_schedule_goes_live_then_and_is_checked_again(
    news_index, author, approver
):
    photo = tagged_image(learner_with_consent(), title="Choir")
    withdrawn = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    unchanged = NewsPageFactory(
        parent=news_index, live=False, listing_image=tagged_image()
    )
    client = signed_in(approver)
    for page in (withdrawn, unchanged):
        page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
        submit(page, author)
        review(client, page.current_workflow_task_state, action="approve")
        page.refresh_from_db()
        assert not page.live
        revision = page.revisions.get(approved_go_live_at__isnull=False)
        # the hour passes
        past = timezone.now() - datetime.timedelta(minutes=1)
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save()
    photo.consent_withdrawn_at = timezone.now()
    photo.save()

    with pytest.raises(ConsentViolation):
        call_command("publish_scheduled")
    call_command("publish_scheduled")

    withdrawn.refresh_from_db()
    unchanged.refresh_from_db()
    assert not withdrawn.live
    assert unchanged.live
