"""After each decision the approver and the author are told what really happens next.

A first approval of an urgent closure publishes nothing until a senior leader
approves; a holiday notice goes live when the holiday starts; a page with posts goes
live with them now. The message says which, and when (issue 21, item 2).
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from publishing.models import SocialPost
from tests.factories import (
    NoticeIndexPageFactory,
    NoticePageFactory,
    SocialAccountFactory,
    TermDateFactory,
)
from tests.moderation.workflow.conftest import signed_in, submit


@pytest.fixture
def notices(home_page):
    return NoticeIndexPageFactory(parent=home_page)


def decide(user, page, **data) -> list[str]:
    """Post a decision on ``page``'s current step; the messages the user reads."""
    task_state = page.current_workflow_task_state
    response = signed_in(user).post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"revision_id": task_state.revision_id, **data},
    )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def to(user) -> list[str]:
    return [message.body for message in mail.outbox if user.email in message.to]


def post_to(page, *accounts) -> None:
    for account in accounts:
        page.social_posts.add(SocialPost(account=account, text="Snow day"))


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:closure"])
def test_the_first_of_two_approvals_says_nothing_is_public_yet(
    notices, author, approver, senior_leader
):
    closure = NoticePageFactory(parent=notices, live=False, kind="closure")
    post_to(closure, SocialAccountFactory(name="Parents group"))
    submit(closure, author)
    mail.outbox.clear()

    said = decide(approver, closure, action="approve")

    closure.refresh_from_db()
    assert not closure.live
    assert len(said) == 1
    assert "not public yet" in said[0]
    assert "Senior leadership" in said[0]
    assert "Nothing goes on the website or social media" in said[0]
    assert "on the website now" not in said[0]
    assert "on their way" not in said[0]
    # "they have been emailed" is true: the senior leader was asked to review.
    assert to(senior_leader)


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:closure"])
def test_the_last_approval_says_it_is_live_and_names_the_accounts(
    notices, author, approver, senior_leader
):
    closure = NoticePageFactory(parent=notices, live=False, kind="closure")
    post_to(
        closure,
        SocialAccountFactory(name="Parents group"),
        SocialAccountFactory(name="School Facebook", network="facebook"),
    )
    submit(closure, author)
    decide(approver, closure, action="approve")
    closure.refresh_from_db()
    mail.outbox.clear()

    said = decide(senior_leader, closure, action="approve")

    closure.refresh_from_db()
    assert closure.live
    assert len(said) == 1
    assert said[0].startswith(
        f"“{closure.title}” is on the website now. Its 2 social media posts (to "
        "Parents group and School Facebook) are being sent now. It comes off the "
        "website and its posts are deleted on "
    )
    assert closure.full_url in to(author)[0]


def test_a_page_without_posts_says_nothing_goes_to_social_media(
    draft, author, approver
):
    submit(draft, author)

    said = decide(approver, draft, action="approve")

    assert said == [
        f"“{draft.title}” is on the website now. Nothing goes to social media with it."
    ]


def test_a_holiday_notice_says_it_goes_live_when_the_holiday_starts(
    notices, author, approver
):
    starts = timezone.localdate() + datetime.timedelta(days=5)
    holiday = TermDateFactory(title="Christmas holiday", starts_on=starts)
    zone = timezone.get_current_timezone()
    go_live = datetime.datetime.combine(starts, datetime.time(0, 0), tzinfo=zone)
    back = go_live + datetime.timedelta(days=16, hours=8, minutes=30)
    notice = NoticePageFactory(
        parent=notices,
        live=False,
        kind="holiday",
        holiday=holiday,
        go_live_at=go_live,
        expire_at=back,
    )
    post_to(notice, SocialAccountFactory(name="Parents group"))
    submit(notice, author)
    mail.outbox.clear()

    said = decide(approver, notice, action="approve")

    notice.refresh_from_db()
    assert not notice.live
    day = f"{go_live:%A} {go_live.day} {go_live:%B} at 00:00"
    assert said == [
        f"“{notice.title}” is approved and scheduled: it goes on the website, and "
        f"its social media post to Parents group goes out, on {day}, when Christmas "
        "holiday starts. Until then nothing of it is public. It comes off the "
        f"website and its posts are deleted on {back:%A} {back.day} {back:%B} at "
        "08:30."
    ]
    email = to(author)[0]
    assert "is approved and scheduled" in email
    assert "You can see it here" not in email


def test_sending_back_says_who_was_told_and_that_nothing_is_public(
    draft, author, approver
):
    author.first_name, author.last_name = "Eve", "Ward"
    author.save()
    submit(draft, author)

    said = decide(approver, draft, action="reject", comment="First names only")

    assert said == [
        f"“{draft.title}” was sent back to Eve Ward with your comment by email. "
        "Nothing of it is on the website or social media until it is changed and "
        "approved again."
    ]


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:closure"])
def test_changes_to_a_live_closure_keep_the_live_version_until_the_last_approval(
    notices, author, approver, senior_leader
):
    closure = NoticePageFactory(parent=notices, live=True, kind="closure")
    closure.title = "Closed on Tuesday too"
    submit(closure, author)

    said = decide(approver, closure, action="approve")

    assert "The website keeps showing the version there now" in said[0]


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=["cms.NoticePage:closure"])
def test_the_first_approver_is_not_offered_approve_and_publish(
    notices, author, approver, senior_leader
):
    closure = NoticePageFactory(parent=notices, live=False, kind="closure")
    submit(closure, author)
    first = closure.current_workflow_task_state

    screen = signed_in(approver).get(
        reverse("moderation_workflow:review", args=(first.pk,))
    )

    html = screen.content.decode()
    assert "Approve and publish" not in html
    assert "a senior leader approves it next" in html
