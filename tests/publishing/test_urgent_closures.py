"""Urgent notices and closures: first everywhere, senior approval, every account."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from cms.models import NoticePage
from moderation import roles
from publishing.models import Delivery, Pin, SocialPost
from tests import factories
from tests.publishing.calendar_steps import (
    Clock,
    approve,
    london,
    posts_on_review_screen,
    run_job,
)
from tests.school_site import build_school_site, pinned_notice
from tests.twofactor import login_verified


@pytest.fixture
def clock(db):
    clock = Clock(london(2027, 1, 12, 6, 15))  # a Tuesday morning in January
    yield clock
    clock.stop()


@pytest.fixture
def school(home_page, clock):
    return build_school_site(home_page)


def staff(username, *groups):
    user = factories.UserFactory(username=username, email=f"{username}@school.example")
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def first_band_title(client, path: str) -> str:
    html = client.get(path).content.decode()
    start = html.find('class="pinned-band__title"')
    assert start > 0, f"no pinned band on {path}"
    return html[start : html.find("</strong>", start)].rsplit(">", 1)[-1]


def test_a_closure_shows_first_on_every_page_type_and_in_the_api(client, school):
    # The holiday notice was published a week before the snow closure.
    pinned_notice(school.notices, "Half term: when we will reply", kind="holiday")
    # An urgent notice is in the band even if "pinned" was not ticked.
    factories.NoticePageFactory(
        parent=school.notices,
        title="Water main burst: school closed",
        kind="urgent",
        valid_from=london(2027, 1, 11, 6, 0),
        valid_until=london(2027, 1, 13, 17, 0),
    )
    closure = pinned_notice(
        school.notices,
        "School closed today: snow",
        kind="closure",
        valid_from=london(2027, 1, 12, 6, 0),
        valid_until=london(2027, 1, 12, 17, 0),
    )
    news = factories.NewsPageFactory(parent=school.news_index)
    page = factories.StandardPageFactory(parent=school.home)
    paths = [
        "/",
        school.news_index.url,
        news.url,
        school.notices.url,
        closure.url,
        page.url,
        school.social_media.url,
        "/search/?q=snow",
        "/term-dates/",
        "/no-such-page/",
    ]
    for path in paths:
        assert first_band_title(client, path) == "School closed today: snow", path
    api = client.get("/api/v2/pages/?type=cms.NoticePage").json()["items"]
    assert [item["title"] for item in api][:3] == [
        "School closed today: snow",
        "Water main burst: school closed",
        "Half term: when we will reply",
    ]
    listing = client.get(school.notices.url).content.decode()
    assert listing.index("School closed today") < listing.index("Half term")
    # Positive control: an ordering asked for is kept.
    ordered = client.get("/api/v2/pages/?type=cms.NoticePage&order=title").json()
    assert ordered["items"][0]["title"] == "Half term: when we will reply"


def test_a_closure_ends_at_the_end_of_the_school_day_unless_told_otherwise(school):
    notice = NoticePage(
        title="Closed: no heating",
        kind="closure",
        message="<p>Closed.</p>",
        valid_from=london(2027, 1, 12, 6, 30),
    )
    notice.full_clean(exclude=["path", "depth", "slug"])
    assert notice.valid_until == london(2027, 1, 12, 17, 0)
    assert notice.expire_at == notice.valid_until
    assert notice.pinned
    late = NoticePage(
        title="Closed tomorrow", kind="urgent", message="<p>x</p>",
        valid_from=london(2027, 1, 12, 19, 0),
    )  # fmt: skip
    late.full_clean(exclude=["path", "depth", "slug"])
    assert late.valid_until == london(2027, 1, 13, 17, 0)
    inverted = NoticePage(
        title="Closed", kind="closure", message="<p>x</p>",
        valid_from=london(2027, 1, 12, 9, 0), valid_until=london(2027, 1, 12, 8, 0),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="ends before it starts"):
        inverted.full_clean(exclude=["path", "depth", "slug"])


def _default_end(valid_from):
    notice = NoticePage(
        title="School closed", kind="closure", message="<p>x</p>", valid_from=valid_from
    )
    notice.full_clean(exclude=["path", "depth", "slug"])
    return notice.valid_until


def test_a_closure_given_on_a_day_off_ends_with_the_school_day_it_applies_to(school):
    """Issue 21.3: "closed on Monday" announced on Sunday ended on Sunday at 17:00."""
    from cms.calendar_settings import MonitoringHours
    from cms.models import TermDate

    sunday_evening = london(2027, 1, 17, 19, 30)
    assert _default_end(sunday_evening) == london(2027, 1, 18, 17, 0)  # Monday
    assert _default_end(london(2027, 1, 17, 10, 0)) == london(2027, 1, 18, 17, 0)
    assert _default_end(london(2027, 1, 16, 9, 0)) == london(2027, 1, 18, 17, 0)
    friday_evening = london(2027, 1, 15, 18, 0)  # after the accounts' hours
    assert _default_end(friday_evening) == london(2027, 1, 18, 17, 0)
    # The last Sunday of half term: the first day back, not the holiday Monday.
    TermDate.objects.create(
        title="February half term",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2027, 2, 15),
        ends_on=datetime.date(2027, 2, 19),
    )
    assert _default_end(london(2027, 2, 21, 20, 0)) == london(2027, 2, 22, 17, 0)
    # A closure about a day the calendar already marks closed (polling day) ends
    # with that day, not the day after.
    TermDate.objects.create(
        title="Polling day: school closed",
        kind=TermDate.Kind.CLOSURE,
        starts_on=datetime.date(2027, 5, 6),
    )
    assert _default_end(london(2027, 5, 5, 18, 0)) == london(2027, 5, 6, 17, 0)
    # The school's own hours, and a school day not yet over, end that same day.
    hours = MonitoringHours.for_site(school.home.get_site())
    hours.closes_at = datetime.time(15, 30)
    hours.save()
    assert _default_end(london(2027, 1, 12, 6, 30)) == london(2027, 1, 12, 15, 30)
    assert _default_end(london(2027, 1, 12, 16, 0)) == london(2027, 1, 13, 15, 30)


def test_a_closure_needs_a_senior_leader_then_goes_to_every_account_and_is_pinned(
    client,
    school,
    clock,
    x_account,
    x_emulator,
    facebook_account,
    facebook_emulator,
    instagram_account,
    instagram_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    instagram_emulator.deletion_supported = False  # as for some Instagram accounts
    author = staff("office", roles.EDITORS)
    approver = staff("deputy", roles.APPROVERS)
    head = staff("head2", roles.SENIOR_LEADERSHIP, roles.APPROVERS)
    notice = factories.NoticePageFactory(
        parent=school.notices,
        live=False,
        title="School closed today: snow",
        kind="closure",
        valid_from=london(2027, 1, 12, 6, 0),
        valid_until=london(2027, 1, 12, 17, 0),
        pinned=True,
    )
    notice.save_revision(user=author)
    notice.get_workflow().start(notice, author)
    approve(approver, notice)
    notice.refresh_from_db()
    assert not notice.live  # one approver is not enough for a closure
    assert notice.current_workflow_task.name.startswith("Senior leadership")
    with capture(execute=True):
        approve(head, notice)
    worker.drain()
    notice.refresh_from_db()
    assert notice.live
    assert first_band_title(client, "/") == "School closed today: snow"
    # No post was written by the editor: every approved account still gets one.
    [facebook_post] = facebook_emulator.snapshot()["posts"]
    assert facebook_post["text"].startswith("School closed today: snow")
    assert facebook_post["pinned"] is True
    assert len(x_emulator.snapshot()["posts"]) == 1
    assert Pin.objects.get(delivery__account=x_account).status == "pin_by_hand"
    # Instagram too: the notice's card, sent once, to pin by hand.
    [media] = instagram_emulator.state()["media"]
    assert media["caption"].startswith("School closed today: snow")
    [card] = media["images"]
    assert card["alt_text"] == (
        "Meadowbank Primary School. School closed today: snow. Tuesday 12 January. "
        "School is open as usual."  # the factory's message
    )
    assert instagram_emulator.publish_calls == 1
    assert Pin.objects.get(delivery__account=instagram_account).status == "pin_by_hand"

    # 17:00: it ends by itself, everywhere.
    clock.to(london(2027, 1, 12, 17, 0))
    assert run_job("go-live-and-expiry", clock, capture).outcome == (
        "0 went live, 1 expired."
    )
    run_job("pin-and-unpin", clock, capture)
    worker.drain()
    assert facebook_emulator.snapshot()["posts"] == []
    assert x_emulator.snapshot()["posts"] == []
    assert "pinned-band" not in client.get("/").content.decode()
    # Instagram's API would not delete it: its managers are asked to, and it is not
    # called deleted until one says so.
    instagram = Delivery.objects.get(account=instagram_account)
    assert instagram.status == Delivery.Status.DELETE_BY_HAND
    assert len(instagram_emulator.state()["media"]) == 1
    assert [
        m
        for m in mail.outbox
        if m.subject == "Delete “School closed today: snow” from School Instagram now"
        and instagram.remote_url in m.body
    ]


def test_one_reopened_action_ends_a_closure_everywhere(
    client,
    school,
    facebook_account,
    facebook_emulator,
    worker,
    publish,
    django_capture_on_commit_callbacks,
):
    notice = factories.NoticePageFactory(
        parent=school.notices,
        live=False,
        title="School closed today: snow",
        kind="urgent",
        valid_from=london(2027, 1, 12, 6, 0),
        valid_until=london(2027, 1, 13, 17, 0),
        pinned=True,
    )
    publish(notice)
    worker.drain()
    assert facebook_emulator.pinned_post_ids()
    head = staff("head3", roles.SENIOR_LEADERSHIP, roles.APPROVERS)
    login_verified(client, head)
    edit = client.get(f"/admin/pages/{notice.pk}/edit/").content.decode()
    assert "School has reopened" in edit
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/notices/{notice.pk}/reopened/", follow=True)
    assert "taken down from the website" in response.content.decode()
    worker.drain()
    notice.refresh_from_db()
    assert not notice.live
    assert facebook_emulator.snapshot()["posts"] == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"retracted"}
    # A general notice has no such button (positive control).
    general = factories.NoticePageFactory(parent=school.notices, kind="general")
    edit = client.get(f"/admin/pages/{general.pk}/edit/").content.decode()
    assert "School has reopened" not in edit


@override_settings(MODERATION_SENIOR_APPROVAL_PAGE_TYPES=[])
def test_senior_approval_can_be_switched_off_by_a_school(school):
    from moderation.workflow.rules import is_sensitive

    notice = factories.NoticePageFactory(parent=school.notices, kind="closure")
    assert not is_sensitive(notice)


def test_closures_need_a_senior_leader_by_default(school):
    from moderation.workflow.rules import is_sensitive

    closure = factories.NoticePageFactory(parent=school.notices, kind="closure")
    urgent = factories.NoticePageFactory(parent=school.notices, kind="urgent")
    general = factories.NoticePageFactory(parent=school.notices, kind="general")
    assert is_sensitive(closure) and is_sensitive(urgent)
    assert not is_sensitive(general)


@pytest.mark.parametrize("kind", ["closure", "urgent"])
def test_every_post_a_closure_sends_is_on_the_review_screen_before_approval(
    school, clock, kind
):
    """Issue 22: the approver sees each account's post, even those nobody wrote."""
    author = staff("office", roles.EDITORS)
    approver = staff("deputy", roles.APPROVERS)
    head = staff("head2", roles.SENIOR_LEADERSHIP, roles.APPROVERS)
    x = factories.SocialAccountFactory(name="School X", network="x")
    factories.SocialAccountFactory(
        name="School Facebook", network="facebook", visibility="closed"
    )
    factories.SocialAccountFactory(
        name="School Instagram", network="instagram", visibility="open"
    )
    factories.SocialAccountFactory(name="Old account", status="rejected")
    notice = factories.NoticePageFactory(
        parent=school.notices,
        live=False,
        title="School closed today: snow",
        message="<p>Heavy snow overnight: the school is closed all day.</p>",
        kind=kind,
        valid_from=london(2027, 1, 12, 6, 0),
        valid_until=london(2027, 1, 12, 17, 0),
    )
    notice.social_posts.add(SocialPost(account=x, text="Closed today: snow!"))
    notice.save_revision(user=author)
    notice.get_workflow().start(notice, author)

    first_look = posts_on_review_screen(approver, notice)
    approve(approver, notice)
    second_look = posts_on_review_screen(head, notice)
    approve(head, notice)

    notice.refresh_from_db()
    assert notice.live
    sent = {
        str(post.account.name): post.text_as_posted(page=notice)
        for post in SocialPost.objects.filter(page=notice)
    }
    assert set(sent) == {"School X", "School Facebook", "School Instagram"}
    shown = {account.split(" (")[0]: text for account, text in first_look.items()}
    assert shown == sent
    assert second_look == first_look
    assert sent["School X"].startswith("Closed today: snow!")
    assert sent["School Facebook"].startswith(
        "School closed today: snow: Heavy snow overnight"
    )
