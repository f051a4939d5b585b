"""The demo inbox (make run): comments on a demo post, some answered, one overdue,
one hidden by a rule, one naming a pupil waiting for the safeguarding lead; and a
comment on the demo Instagram post and a reply on the demo Bluesky post."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from publishing.inbox.models import InboxItem


@pytest.mark.django_db
def test_the_demo_inbox_has_something_in_every_state(facebook_page, facebook_account):
    call_command("load_demo_school", stdout=io.StringIO())
    call_command("load_demo_learners", stdout=io.StringIO())
    output = io.StringIO()
    call_command("load_demo_publishing", stdout=output)

    items = InboxItem.objects.filter(account=facebook_account)
    assert "Inbox: 5 comments" in output.getvalue()
    assert items.filter(state=InboxItem.State.ANSWERED).count() == 2
    assert items.overdue(at=timezone.now()).count() == 1
    hidden_by_words = items.get(author_name="Jo Bloggs")
    assert hidden_by_words.state == InboxItem.State.HIDDEN
    assert hidden_by_words.rule == "The school's English word list"
    assert items.waiting_for_dsl().get().rule == "Names a pupil in full"
    hidden = [c for c in facebook_page.state()["comments"] if c["is_hidden"]]
    assert len(hidden) == 2

    call_command("load_demo_publishing", stdout=io.StringIO())
    assert items.count() == 5  # loaded once


@pytest.mark.django_db
def test_the_demo_inbox_has_an_instagram_comment_and_a_bluesky_reply(
    instagram_account, bluesky_account
):
    call_command("load_demo_school", stdout=io.StringIO())
    output = io.StringIO()
    call_command("load_demo_publishing", stdout=output)

    instagram = InboxItem.objects.get(account=instagram_account)
    assert (instagram.author_name, instagram.text) == (
        "eira_jones",
        "Llongyfarchiadau i bawb! 👏",
    )
    bluesky = InboxItem.objects.get(account=bluesky_account)
    assert bluesky.author_name == "Gareth Hughes"
    assert bluesky.state == InboxItem.State.NEW and bluesky.due_at > timezone.now()
    assert "Inbox: 1 reply on School bluesky." in output.getvalue()

    call_command("load_demo_publishing", stdout=io.StringIO())
    assert InboxItem.objects.count() == 2  # loaded once
