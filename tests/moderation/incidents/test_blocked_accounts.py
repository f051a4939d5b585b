"""The blocked accounts register (I3): recorded with the exact words sent, kept by
senior leadership and the DSL, and a reminder when the review date comes."""

from __future__ import annotations

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from moderation.jobs import block_review_reminders
from moderation.models import BlockedAccount

from .conftest import signed_in

MESSAGE = (
    "We have blocked this account because of repeated harassment of staff, "
    "which our social media policy does not allow."
)


def block(by, *, review_on):
    return BlockedAccount.objects.create(
        platform="facebook",
        handle="Angry Parent 123",
        grounds=BlockedAccount.Grounds.HARASSMENT,
        message_sent=MESSAGE,
        decided_by=by,
        review_on=review_on,
    )


def test_senior_leadership_records_a_block_with_the_exact_words(senior_leader):
    client = signed_in(senior_leader)
    response = client.post(
        reverse("blocked_accounts:add"),
        {
            "platform": "x",
            "handle": "@troll",
            "grounds": "offensive_language",
            "grounds_detail": "Swearing at pupils in replies",
            "message_sent": MESSAGE,
            "decided_by": senior_leader.pk,
            "decided_at": "2026-11-20 10:00",
            "review_on": "2027-02-20",
        },
    )
    assert response.status_code == 302
    blocked = BlockedAccount.objects.get()
    assert blocked.message_sent == MESSAGE
    assert blocked.decided_by == senior_leader
    assert blocked.review_on == datetime.date(2027, 2, 20)
    assert ModelLogEntry.objects.filter(
        action="wagtail.create", object_id=str(blocked.pk)
    ).exists()


def test_editors_cannot_see_the_register(editor, senior_leader):
    block(senior_leader, review_on=timezone.localdate())
    response = signed_in(editor).get(reverse("blocked_accounts:index"))
    assert response.status_code in (302, 403)
    assert "Angry Parent 123" not in response.content.decode()
    page = signed_in(senior_leader).get(reverse("blocked_accounts:index"))
    assert "Angry Parent 123" in page.content.decode()


def test_a_reminder_is_sent_once_when_the_review_is_due(senior_leader, head, dsl):
    today = timezone.localdate()
    due = block(dsl, review_on=today)
    block(dsl, review_on=today + datetime.timedelta(days=10))

    assert block_review_reminders() == 1

    [email] = mail.outbox
    assert set(email.to) == {senior_leader.email, head.email, dsl.email}
    assert "Angry Parent 123" in email.subject
    assert reverse("blocked_accounts:edit", args=[due.pk]) in email.body
    # Once per review date.
    assert block_review_reminders() == 0
    assert len(mail.outbox) == 1
    # And waiting for senior leadership on the dashboard until reviewed.
    page = signed_in(senior_leader).get(reverse("wagtailadmin_home")).content
    assert "Review the block on Angry Parent 123" in page.decode()
    # A new review date brings a new reminder when it comes.
    BlockedAccount.objects.filter(pk=due.pk).update(review_on=today)
    BlockedAccount.objects.filter(pk=due.pk).update(
        review_reminded_on=today - datetime.timedelta(days=1)
    )
    assert block_review_reminders() == 1


def test_a_review_cannot_rewrite_what_was_sent(senior_leader, dsl):
    blocked = block(dsl, review_on=timezone.localdate())
    response = signed_in(senior_leader).post(
        reverse("blocked_accounts:edit", args=[blocked.pk]),
        {
            "platform": "x",
            "handle": "someone else",
            "grounds": "spamming",
            "grounds_detail": "",
            "message_sent": "Something kinder",
            "decided_by": senior_leader.pk,
            "decided_at": "2020-01-01 10:00",
            "review_on": "2027-06-01",
            "unblocked_at": "",
        },
    )
    assert response.status_code == 302
    blocked.refresh_from_db()
    assert blocked.review_on == datetime.date(2027, 6, 1)
    assert blocked.message_sent == MESSAGE
    assert blocked.handle == "Angry Parent 123"
    assert blocked.decided_by == dsl
