"""Comments reach the inbox by polling, once each, with their reply-by time; a
network failure loses nothing; the rules hide what must be hidden."""

from __future__ import annotations

import datetime

import pytest

from moderation.models import Incident
from moderation.roles import SAFEGUARDING
from publishing.inbox.models import InboxAction, InboxItem, InboxReading, InboxWordList
from publishing.inbox.services import inbox_read, reply_write
from tests.factories import staff
from tests.trust_schools import school_site

pytestmark = pytest.mark.django_db


def _hidden_on_facebook(emulator, comment_id: str) -> bool:
    return next(c for c in emulator.state()["comments"] if c["id"] == comment_id)[
        "is_hidden"
    ]


def test_a_poll_brings_each_comment_once_with_who_what_and_where(
    facebook_page, facebook_account, school_post
):
    comment = facebook_page.add_comment(
        school_post, message="What time does it start? 🏃‍♀️ Diolch!", author_name="Siân"
    )
    facebook_page.add_comment(school_post, message="Lovely day", author_name="Ben")

    assert inbox_read(account=facebook_account) == 2
    assert inbox_read(account=facebook_account) == 0  # read again: nothing doubled

    item = InboxItem.objects.get(remote_id=comment)
    assert item.author_name == "Siân"
    assert item.text == "What time does it start? 🏃‍♀️ Diolch!"
    assert item.post_remote_id == school_post
    assert comment in item.url
    assert item.state == InboxItem.State.NEW
    assert item.due_at > item.received_at
    assert InboxItem.objects.count() == 2


def test_the_schools_own_replies_are_not_inbox_items(
    facebook_page, facebook_account, school_post
):
    comment = facebook_page.add_comment(school_post, message="When is it?")
    inbox_read(account=facebook_account)
    item = InboxItem.objects.get()
    reply_write(item=item, text="At 10 o'clock.", by=facebook_account.managers.first())
    inbox_read(
        account=facebook_account, now=item.received_at + datetime.timedelta(hours=1)
    )

    assert list(InboxItem.objects.values_list("remote_id", flat=True)) == [comment]


@pytest.mark.parametrize("status", [429, 500])
def test_a_network_failure_is_shown_and_the_next_poll_reads_what_it_missed(
    facebook_page, facebook_account, school_post, status
):
    facebook_page.add_comment(school_post, message="Is school open tomorrow?")
    facebook_page.fail_next(status=status)

    assert inbox_read(account=facebook_account) == 0
    reading = InboxReading.objects.get(account=facebook_account)
    assert reading.problem  # shown on the inbox
    assert InboxItem.objects.count() == 0

    assert inbox_read(account=facebook_account) == 1
    reading.refresh_from_db()
    assert reading.problem == ""


def test_a_comment_deleted_before_it_was_read_is_simply_not_there(
    facebook_page, facebook_account, school_post
):
    gone = facebook_page.add_comment(school_post, message="Oops, wrong page")
    facebook_page.add_comment(school_post, message="Thank you!")
    facebook_page.delete_comment_by_hand(gone)

    assert inbox_read(account=facebook_account) == 1
    assert InboxItem.objects.get().text == "Thank you!"


def test_a_comment_naming_a_pupil_is_hidden_at_once_and_sent_to_the_dsl(
    facebook_page,
    facebook_account,
    school_post,
    amelia,
    dsl,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    staff("other-dsl", SAFEGUARDING, site=school_site(2), email="dsl@other.example")
    comment = facebook_page.add_comment(
        school_post, message="Amelia Jones in Year 3 was the star!"
    )
    with django_capture_on_commit_callbacks(execute=True):
        inbox_read(account=facebook_account)

    item = InboxItem.objects.get()
    assert _hidden_on_facebook(facebook_page, comment)
    assert item.state == InboxItem.State.HIDDEN
    assert item.flagged_for_dsl
    assert item.rule == "Names a pupil in full"
    # The school's own safeguarding lead; never another school's.
    assert [m.to for m in mailoutbox] == [["dsl@school.example"]]
    assert "Amelia" not in mailoutbox[0].body  # emails never carry the comment
    kinds = set(item.log.values_list("kind", flat=True))
    assert {InboxAction.Kind.HIDDEN, InboxAction.Kind.FLAGGED} <= kinds
    assert all(action.automatic for action in item.log.all())


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Ring me on 07700 900123 about it", "Holds a phone number"),
        ("Email jo.bloggs@example.com please", "Holds an email address"),
        ("They live at 12 Heol y Bryn, CF10 1AA", "Holds a home address"),
    ],
)
def test_personal_details_are_hidden_and_flagged(
    facebook_page, facebook_account, school_post, text, rule
):
    comment = facebook_page.add_comment(school_post, message=text)
    inbox_read(account=facebook_account)

    item = InboxItem.objects.get()
    assert rule in item.rule
    assert item.flagged_for_dsl
    assert _hidden_on_facebook(facebook_page, comment)


def test_the_schools_welsh_word_list_hides_whole_words_only(
    facebook_page, facebook_account, school_post, home_page
):
    InboxWordList.objects.create(
        site=home_page.get_site(), language="cy", words="twpsyn\n"
    )
    rude = facebook_page.add_comment(school_post, message="Ti'n TWPSYN!")
    fine = facebook_page.add_comment(school_post, message="twpsynnod? no, a word apart")
    inbox_read(account=facebook_account)

    hidden = InboxItem.objects.get(remote_id=rude)
    assert hidden.state == InboxItem.State.HIDDEN
    assert hidden.rule == "The school's Welsh word list"
    assert not hidden.flagged_for_dsl
    assert _hidden_on_facebook(facebook_page, rude)
    assert InboxItem.objects.get(remote_id=fine).state == InboxItem.State.NEW


def test_a_hide_the_network_refuses_makes_the_item_top_priority(
    facebook_page, facebook_account, school_post, amelia
):
    comment = facebook_page.add_comment(school_post, message="Well done Amelia Jones")
    facebook_page.fail_next("moderation_refused", path_contains=comment)
    inbox_read(account=facebook_account)

    item = InboxItem.objects.get()
    assert item.top_priority
    assert item.flagged_for_dsl
    assert not item.hidden_on_network
    assert not _hidden_on_facebook(facebook_page, comment)
    refused = item.log.get(kind=InboxAction.Kind.HIDE_FAILED)
    assert "pages_manage_engagement" in refused.note
    assert Incident.objects.count() == 0


def test_a_flood_of_500_comments_on_one_post_is_500_items_none_doubled(
    facebook_page, facebook_account, school_post, amelia
):
    for number in range(500):
        text = "Amelia Jones!" if number == 250 else f"Comment {number} 🎉"
        facebook_page.add_comment(school_post, message=text)

    assert inbox_read(account=facebook_account) == 500
    assert inbox_read(account=facebook_account) == 0
    assert InboxItem.objects.count() == 500
    assert InboxItem.objects.filter(state=InboxItem.State.HIDDEN).count() == 1
