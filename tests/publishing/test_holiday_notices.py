"""A holiday notice drafted from the template, approved, pinned, and gone (M1-M3)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import Site

from cms.calendar_settings import HolidayNoticeSettings
from cms.models import NoticePage, TermDate
from moderation import roles
from publishing.models import Delivery, Pin
from publishing.scheduled_jobs.models import JobRun
from tests import factories
from tests.publishing.calendar_steps import Clock, approve, london, run_job


@pytest.fixture
def clock():
    clock = Clock(london(2026, 12, 1, 9, 0))
    yield clock
    clock.stop()


@pytest.fixture
def notices(home_page):
    return factories.NoticeIndexPageFactory(parent=home_page)


@pytest.fixture
def author(db):
    user = factories.UserFactory(username="office", email="office@school.example")
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    return user


@pytest.fixture
def approver(db):
    user = factories.UserFactory(username="deputy", email="deputy@school.example")
    user.groups.add(Group.objects.get(name=roles.APPROVERS))
    return user


@pytest.fixture
def template(db, author):
    notice_settings = HolidayNoticeSettings.for_site(
        Site.objects.get(is_default_site=True)
    )
    notice_settings.author = author
    notice_settings.office_contact = "email office@school.example"
    notice_settings.emergency = "call 999"
    notice_settings.save()
    return notice_settings


@pytest.fixture
def christmas(db):
    return TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 19),
        ends_on=datetime.date(2027, 1, 4),
    )


def band(client) -> str:
    """The pinned-notice band at the top of the home page, as a parent sees it."""
    html = client.get("/").content.decode()
    start = html.find('class="pinned-band"')
    return "" if start < 0 else html[start : html.find("</main>", start)]


def test_the_notice_is_drafted_approved_pinned_and_removed_on_the_first_day_back(
    client,
    clock,
    notices,
    template,
    christmas,
    author,
    approver,
    x_account,
    x_emulator,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    # Eight days before: nothing yet.
    clock.to(london(2026, 12, 11, 6, 30))
    assert run_job("draft-holiday-notices", clock, capture).outcome == (
        "No holiday notice due."
    )
    assert not NoticePage.objects.exists()

    # Seven days before: drafted from the template and sent for approval.
    clock.to(london(2026, 12, 12, 6, 30))
    run = run_job("draft-holiday-notices", clock, capture)
    assert run.outcome == "1 holiday notice(s) drafted and sent for approval."
    notice = NoticePage.objects.get()
    assert notice.title == "Christmas holiday: when we will reply"
    assert "not watched until Tuesday 5 January" in notice.message
    assert "call 999" in notice.message
    assert not notice.live
    assert notice.current_workflow_state is not None
    told = {address for message in mail.outbox for address in message.to}
    assert {"office@school.example", "deputy@school.example"} <= told
    # A second run the same day drafts nothing more (idempotent).
    clock.to(london(2026, 12, 12, 6, 31))
    assert run_job("draft-holiday-notices", clock, capture) is None
    clock.to(london(2026, 12, 13, 6, 30))
    assert run_job("draft-holiday-notices", clock, capture).outcome == (
        "No holiday notice due."
    )

    # Approved a week early: scheduled, not on the website yet.
    approve(approver, notice)
    notice.refresh_from_db()
    assert not notice.live
    assert notice.revisions.exclude(approved_go_live_at=None).exists()
    assert "Christmas holiday" not in band(client)

    # The holiday starts: live, pinned on the website, posted and pinned.
    clock.to(london(2026, 12, 19, 0, 1))
    assert run_job("go-live-and-expiry", clock, capture).outcome == (
        "1 went live, 0 expired."
    )
    worker.drain()
    notice.refresh_from_db()
    assert notice.live
    assert "Christmas holiday: when we will reply" in band(client)
    api = client.get("/api/v2/pages/?type=cms.NoticePage&fields=kind,pinned").json()
    assert api["items"][0]["title"] == "Christmas holiday: when we will reply"
    [facebook_post] = facebook_emulator.snapshot()["posts"]
    assert facebook_post["pinned"] is True
    assert "Tuesday 5 January" in facebook_post["text"]
    assert len(x_emulator.snapshot()["posts"]) == 1
    x_pin = Pin.objects.get(delivery__account=x_account)
    assert x_pin.status == Pin.Status.PIN_BY_HAND
    manager_mail = [m for m in mail.outbox if "Please pin" in m.subject]
    assert len(manager_mail) == 1
    assert x_account.managers.first().email in manager_mail[0].to
    assert "School is closed for the Christmas holiday" in manager_mail[0].body
    run_job("pin-and-unpin", clock, capture)
    assert len([m for m in mail.outbox if "Please pin" in m.subject]) == 1

    # The first day back, when the accounts are watched again: all gone.
    clock.to(london(2027, 1, 5, 7, 59))
    assert run_job("go-live-and-expiry", clock, capture).outcome == (
        "0 went live, 0 expired."
    )
    clock.to(london(2027, 1, 5, 8, 0))
    assert run_job("go-live-and-expiry", clock, capture).outcome == (
        "0 went live, 1 expired."
    )
    run_job("pin-and-unpin", clock, capture)
    worker.drain()
    notice.refresh_from_db()
    assert not notice.live
    assert band(client) == ""
    assert facebook_emulator.snapshot()["posts"] == []
    assert x_emulator.snapshot()["posts"] == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"retracted"}
    assert set(Pin.objects.values_list("status", flat=True)) == {"unpinned"}
    assert JobRun.objects.failed().count() == 0
