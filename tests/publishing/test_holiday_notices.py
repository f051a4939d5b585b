"""A holiday notice drafted from the template, approved, pinned, and gone (M1-M3)."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from PIL import Image
from wagtail.models import Site

from cms.calendar_settings import HolidayNoticeSettings
from cms.models import NoticePage, TermDate
from moderation import roles
from publishing.models import Delivery, Pin
from publishing.scheduled_jobs.models import JobRun
from tests import factories
from tests.publishing.calendar_steps import (
    Clock,
    approve,
    london,
    posts_on_review_screen,
    run_job,
)
from tests.twofactor import login_verified


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
    instagram_account,
    instagram_emulator,
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
    assert len(manager_mail) == 2  # X and Instagram
    [x_mail] = [m for m in manager_mail if x_account.managers.first().email in m.to]
    assert "School is closed for the Christmas holiday" in x_mail.body
    # Instagram: the notice's card, described in full; a manager pins it by hand.
    [media] = instagram_emulator.state()["media"]
    assert "Tuesday 5 January" in media["caption"]
    [card] = media["images"]
    assert card["alt_text"].startswith(
        "Christmas holiday: when we will reply. From Saturday 19 December until "
        "Tuesday 5 January. The school is closed"
    )
    assert "will reply. To contact the school office" in card["alt_text"]
    fetched = instagram_emulator.containers[card["container"]].content
    assert Image.open(io.BytesIO(fetched)).size == (1080, 1080)
    instagram_pin = Pin.objects.get(delivery__account=instagram_account)
    assert instagram_pin.status == Pin.Status.PIN_BY_HAND
    instagram_manager = instagram_account.managers.first()
    assert any(
        instagram_manager.email in m.to and instagram_pin.delivery.remote_url in m.body
        for m in manager_mail
    )
    instagram_manager.groups.add(Group.objects.get(name=roles.EDITORS))
    login_verified(client, instagram_manager)
    dashboard = client.get("/admin/").content.decode()
    assert "Pin these posts by hand" in dashboard
    assert instagram_pin.delivery.remote_url in dashboard
    client.post(f"/admin/publishing/pin/{instagram_pin.pk}/done/")
    client.logout()
    run_job("pin-and-unpin", clock, capture)
    assert len([m for m in mail.outbox if "Please pin" in m.subject]) == 2

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
    assert instagram_emulator.state()["media"] == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"retracted"}
    assert set(Pin.objects.values_list("status", flat=True)) == {"unpinned"}
    assert JobRun.objects.failed().count() == 0


@pytest.fixture
def approved_notice(
    clock,
    notices,
    template,
    christmas,
    approver,
    facebook_account,
    django_capture_on_commit_callbacks,
):
    """Christmas's notice for the Facebook Page, drafted and approved on 12 December."""
    clock.to(london(2026, 12, 12, 6, 30))
    run_job("draft-holiday-notices", clock, django_capture_on_commit_callbacks)
    notice = NoticePage.objects.get()
    approve(approver, notice)
    notice.refresh_from_db()
    return notice


def live_at_start(clock, capture, worker):
    clock.to(london(2026, 12, 19, 0, 1))
    run_job("go-live-and-expiry", clock, capture)
    worker.drain()


def test_a_holiday_moved_after_approval_moves_the_notice_without_new_approval(
    approved_notice, christmas, clock, django_capture_on_commit_callbacks
):
    # A day added at the start: same words ("back on Tuesday 5 January").
    christmas.starts_on = datetime.date(2026, 12, 18)
    christmas.save()
    notice = NoticePage.objects.get()
    assert notice.valid_from == london(2026, 12, 18, 0, 0)
    assert notice.go_live_at == london(2026, 12, 18, 0, 0)
    assert notice.current_workflow_state is None  # still approved
    clock.to(london(2026, 12, 18, 0, 1))
    run = run_job("go-live-and-expiry", clock, django_capture_on_commit_callbacks)
    assert run.outcome == "1 went live, 0 expired."


def test_a_changed_first_day_back_takes_the_notice_down_and_asks_again(
    client,
    x_account,
    approved_notice,
    christmas,
    approver,
    clock,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    live_at_start(clock, capture, worker)
    assert len(facebook_emulator.snapshot()["posts"]) == 1
    mail.outbox.clear()
    # An extra INSET-like day off: the school is back on Wednesday 6 January.
    with capture(execute=True):
        christmas.ends_on = datetime.date(2027, 1, 5)
        christmas.save()
    worker.drain()
    notice = NoticePage.objects.get()
    assert not notice.live  # the wrong date is not left up
    assert band(client) == ""
    assert facebook_emulator.snapshot()["posts"] == []
    assert notice.current_workflow_state is not None  # waiting for approval again
    latest = notice.get_latest_revision_as_object()
    assert "Wednesday 6 January" in latest.message
    assert any("approve it again" in m.subject for m in mail.outbox)
    with capture(execute=True):
        approve(approver, notice)  # its start has passed: live at once
    worker.drain()
    notice.refresh_from_db()
    assert notice.live
    [post] = facebook_emulator.snapshot()["posts"]
    assert "Wednesday 6 January" in post["text"]
    assert post["pinned"] is True


def test_a_deleted_holiday_withdraws_its_notice_everywhere(
    client,
    approved_notice,
    christmas,
    clock,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    live_at_start(clock, capture, worker)
    assert "Christmas holiday" in band(client)
    with capture(execute=True):
        christmas.delete()
    worker.drain()
    notice = NoticePage.objects.get()
    assert not notice.live
    assert band(client) == ""
    assert facebook_emulator.snapshot()["posts"] == []
    # Nothing brings it back: it is no longer scheduled.
    clock.to(london(2026, 12, 20, 0, 1))
    run_job("go-live-and-expiry", clock, capture)
    assert not NoticePage.objects.get().live


def test_a_deleted_holiday_stops_an_approved_notice_going_live(
    approved_notice, christmas, clock, django_capture_on_commit_callbacks
):
    christmas.delete()
    clock.to(london(2026, 12, 19, 0, 1))
    run = run_job("go-live-and-expiry", clock, django_capture_on_commit_callbacks)
    assert run.outcome == "0 went live, 0 expired."
    assert not NoticePage.objects.get().live


def test_facebook_refusing_to_pin_gives_the_managers_a_task(
    client,
    approved_notice,
    clock,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    facebook_emulator.fail_next("pin_refused", path_contains="_")
    live_at_start(clock, django_capture_on_commit_callbacks, worker)
    [post] = facebook_emulator.snapshot()["posts"]
    assert post["pinned"] is False
    pin = Pin.objects.get()
    assert pin.status == Pin.Status.PIN_BY_HAND
    assert "Requires pages_manage_posts permission" in pin.reason
    [email] = [m for m in mail.outbox if "Please pin" in m.subject]
    assert "Facebook Page refused to pin the post" in email.body
    manager = facebook_account.managers.first()
    manager.groups.add(Group.objects.get(name=roles.EDITORS))  # may use the admin

    login_verified(client, manager)
    dashboard = client.get("/admin/").content.decode()
    assert "Pin these posts by hand" in dashboard
    client.post(f"/admin/publishing/pin/{pin.pk}/done/")
    pin.refresh_from_db()
    assert pin.status == Pin.Status.PINNED_BY_HAND
    assert pin.done_by == manager
    assert "Pin these posts by hand" not in client.get("/admin/").content.decode()


def test_a_pin_removed_by_hand_on_facebook_is_put_back(
    approved_notice,
    clock,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    live_at_start(clock, capture, worker)
    [post] = facebook_emulator.snapshot()["posts"]
    facebook_emulator.unpin_by_hand(post["id"])
    assert facebook_emulator.pinned_post_ids() == []
    clock.to(london(2026, 12, 19, 0, 5))  # checked every ten minutes, not yet
    run_job("pin-and-unpin", clock, capture)
    assert facebook_emulator.pinned_post_ids() == []
    clock.to(london(2026, 12, 19, 0, 12))
    assert run_job("pin-and-unpin", clock, capture).outcome == "1 re-pinned."
    assert facebook_emulator.pinned_post_ids() == [post["id"]]
    assert "unpinned on Facebook" in Pin.objects.get().reason


def test_the_worker_down_when_the_holiday_starts_catches_up(
    client,
    approved_notice,
    clock,
    facebook_account,
    facebook_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    # Nothing ran from Friday night until Saturday 09:40.
    clock.to(london(2026, 12, 19, 9, 40))
    run = run_job("go-live-and-expiry", clock, django_capture_on_commit_callbacks)
    assert run.outcome == "1 went live, 0 expired."
    worker.drain()
    assert "Christmas holiday" in band(client)
    [post] = facebook_emulator.snapshot()["posts"]
    assert post["pinned"] is True


def _council_file(*lines: str) -> bytes:
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Council//EN",
         "X-WR-CALNAME:Council term dates", "BEGIN:VEVENT", "UID:xmas@council",
         "DTSTAMP:20261201T090000Z", "SUMMARY:Christmas holiday",
         "CATEGORIES:School holiday", *lines, "END:VEVENT", "END:VCALENDAR", ""]
    ).encode()  # fmt: skip


def _import_in_the_admin(client, content: bytes) -> tuple[str, object]:
    """Upload, read the preview, confirm: as the school office does it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(
        "/admin/term-dates/import/",
        {"file": SimpleUploadedFile("council.ics", content)},
        follow=True,
    )
    html = preview.content.decode()
    start = html.index('name="plan" value="') + len('name="plan" value="')
    done = client.post(
        preview.redirect_chain[-1][0],
        {"plan": html[start : html.index('"', start)]},
        follow=True,
    )
    return " ".join(html.split()), done


def test_a_re_import_says_what_it_does_to_the_approved_notice_and_does_it(
    client, approved_notice, christmas, clock, django_capture_on_commit_callbacks
):
    """Issue 21.1: the preview says a moved holiday moves its notice and a cancelled
    one withdraws it; applying it does exactly that."""
    TermDate.objects.filter(pk=christmas.pk).update(uid="xmas@council")
    login_verified(client, factories.UserFactory(is_superuser=True, is_staff=True))
    moved = _council_file("DTSTART;VALUE=DATE:20261218", "DTEND;VALUE=DATE:20270105")
    preview, _ = _import_in_the_admin(client, moved)
    assert (
        "The holiday notice “Christmas holiday: when we will reply” (approved, goes "
        "live on Sat 19 Dec at 00:00) moves with “Christmas holiday” to its new "
        "dates" in preview
    )
    notice = NoticePage.objects.get()
    assert notice.valid_from == london(2026, 12, 18, 0, 0)
    assert notice.current_workflow_state is None  # same words: still approved

    cancelled = _council_file(
        "DTSTART;VALUE=DATE:20261218",
        "DTEND;VALUE=DATE:20270105",
        "STATUS:CANCELLED",
        "SEQUENCE:1",
    )
    preview, done = _import_in_the_admin(client, cancelled)
    assert (
        "The holiday notice “Christmas holiday: when we will reply” (approved, goes "
        "live on Fri 18 Dec at 00:00) will be withdrawn with “Christmas holiday”"
        in preview
    )
    assert (  # and once done, what was done
        "The holiday notice “Christmas holiday: when we will reply” was withdrawn"
        in done.content.decode()
    )
    assert not TermDate.objects.exists()
    clock.to(london(2026, 12, 18, 0, 1))
    run = run_job("go-live-and-expiry", clock, django_capture_on_commit_callbacks)
    assert run.outcome == "0 went live, 0 expired."
    assert not NoticePage.objects.get().live


def test_the_approver_sees_the_post_for_every_account_before_approving(
    clock,
    notices,
    template,
    christmas,
    author,
    approver,
    x_account,
    facebook_account,
    django_capture_on_commit_callbacks,
):
    """Issue 22: a holiday notice's review screen shows each post as it is sent."""
    clock.to(london(2026, 12, 12, 6, 30))
    run_job("draft-holiday-notices", clock, django_capture_on_commit_callbacks)
    notice = NoticePage.objects.get()

    shown = posts_on_review_screen(approver, notice)

    assert set(shown) == {str(x_account), str(facebook_account)}
    for text in shown.values():
        assert "Tuesday 5 January" in text
        assert text.rstrip().endswith(notice.full_url)


def test_on_bluesky_the_notice_is_the_profiles_pinned_post_until_it_ends(
    clock,
    notices,
    template,
    christmas,
    approver,
    bluesky_account,
    bluesky_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    clock.to(london(2026, 12, 12, 6, 30))
    run_job("draft-holiday-notices", clock, capture)
    notice = NoticePage.objects.get()
    approve(approver, notice)
    live_at_start(clock, capture, worker)

    delivery = Delivery.objects.get(account=bluesky_account)
    [post] = bluesky_emulator.state()["posts"]
    assert "Tuesday 5 January" in post["record"]["text"]
    # Pinned through the profile record, as the Bluesky app shows it: no task.
    assert bluesky_emulator.pinned_uri() == delivery.remote_id == post["uri"]
    assert Pin.objects.get(delivery=delivery).status == Pin.Status.PINNED
    assert not [m for m in mail.outbox if "Please pin" in m.subject]

    # Unpinned by hand in the app: pinned again at the next check.
    bluesky_emulator.records[("app.bsky.actor.profile", "self")].value.pop("pinnedPost")
    clock.to(london(2026, 12, 19, 0, 30))
    run_job("pin-and-unpin", clock, capture)
    assert bluesky_emulator.pinned_uri() == delivery.remote_id

    clock.to(london(2027, 1, 5, 8, 0))
    run_job("go-live-and-expiry", clock, capture)
    run_job("pin-and-unpin", clock, capture)
    worker.drain()
    assert bluesky_emulator.pinned_uri() is None
    assert bluesky_emulator.state()["posts"] == []
    assert Pin.objects.get(delivery=delivery).status == Pin.Status.UNPINNED
