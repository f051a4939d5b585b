"""Importing a calendar again syncs it (issue 21.1): moved series, cancellations and
dates no longer in the file follow the file; dates typed in by hand stay.

The import runs through ``term_dates_import`` (plan and apply, as the command does
without ``--dry-run``), the command and the admin's preview-then-apply screens.
"""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from wagtail.models import ModelLogEntry, Site

from cms.calendar_sources import CalendarSource, TermDatesUpload
from cms.models import TermDate
from cms.school_calendar import next_read_time
from cms.term_dates_import import term_dates_import
from tests.cms.test_term_dates_import import event, ics
from tests.factories import UserFactory
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

DOMAIN = "testserver"
TODAY = datetime.date(2026, 11, 27)
LONDON = zoneinfo.ZoneInfo("Europe/London")
COUNCIL = "X-WR-CALNAME:Council term dates"


def run(content: bytes, today: datetime.date = TODAY):
    return term_dates_import(content=content, uid_domain=DOMAIN, today=today)


def council(*events: str) -> bytes:
    return ics(*events, extra=COUNCIL)


def days(title: str) -> list[datetime.date]:
    return list(
        TermDate.objects.filter(title=title)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
    )


def weekly(first_day: str, *lines: str) -> str:
    return event(
        "club@school",
        "Homework club",
        f"DTSTART;TZID=Europe/London:{first_day}T153000",
        f"DTEND;TZID=Europe/London:{first_day}T163000",
        "RRULE:FREQ=WEEKLY;COUNT=7",
        *lines,
    )


def test_a_weekly_series_moved_from_thursdays_to_fridays_replaces_the_thursdays():
    run(council(weekly("20261203")))
    assert [day.strftime("%a") for day in days("Homework club")] == ["Thu"] * 7
    report = run(council(weekly("20261204", "SEQUENCE:1")))
    fridays = days("Homework club")
    assert len(fridays) == 7  # not 7 Thursdays beside 7 Fridays
    assert {day.strftime("%a") for day in fridays} == {"Fri"}
    assert fridays[0] == datetime.date(2026, 12, 4)
    assert len(report.removals) == 7
    assert {removal.reason for removal in report.removals} == {
        "the event is now on other dates in the file"
    }


def test_a_cancelled_closure_leaves_the_page_and_the_closed_days(client):
    polling = event(
        "poll@council",
        "Polling day: school closed",
        "DTSTART;VALUE=DATE:20270506",
    )
    run(council(polling))
    thursday_morning = datetime.datetime(2027, 5, 6, 9, 0, tzinfo=LONDON)
    # Closed: a message that morning is read on Friday.
    assert next_read_time(thursday_morning).date() == datetime.date(2027, 5, 7)
    assert "Polling day" in client.get("/term-dates/").content.decode()

    cancelled = event(
        "poll@council",
        "Polling day: school closed",
        "DTSTART;VALUE=DATE:20270506",
        "STATUS:CANCELLED",
        "SEQUENCE:1",
    )
    report = run(council(cancelled))
    assert [r.reason for r in report.removals] == [
        "cancelled in the calendar (Polling day: school closed)"
    ]
    assert not TermDate.objects.exists()
    assert next_read_time(thursday_morning) == thursday_morning  # watched again
    assert "Polling day" not in client.get("/term-dates/").content.decode()


def test_a_cancellation_wins_only_with_the_higher_sequence():
    confirmed = event(
        "inset@council", "INSET day", "DTSTART;VALUE=DATE:20270104", "SEQUENCE:2"
    )
    stale_cancellation = event(
        "inset@council",
        "INSET day",
        "DTSTART;VALUE=DATE:20270104",
        "STATUS:CANCELLED",
        "SEQUENCE:1",
    )
    run(council(confirmed, stale_cancellation))
    assert days("INSET day") == [datetime.date(2027, 1, 4)]
    newer_cancellation = stale_cancellation.replace("SEQUENCE:1", "SEQUENCE:3")
    run(council(confirmed, newer_cancellation))
    assert days("INSET day") == []
    # One cancelled occurrence of a repeating event leaves the others.
    run(council(weekly("20261203")))
    one_off = event(
        "club@school",
        "Homework club",
        "RECURRENCE-ID;TZID=Europe/London:20261210T153000",
        "DTSTART;TZID=Europe/London:20261210T153000",
        "STATUS:CANCELLED",
        "SEQUENCE:1",
    )
    run(council(weekly("20261203"), one_off))
    assert datetime.date(2026, 12, 10) not in days("Homework club")
    assert len(days("Homework club")) == 6


def test_dates_missing_from_the_file_go_and_hand_typed_and_past_dates_stay():
    run(
        council(
            event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270104"),
            event("poll@council", "Polling day", "DTSTART;VALUE=DATE:20270506"),
            event("fair@council", "Summer fair", "DTSTART;VALUE=DATE:20261120"),
        ),
        today=datetime.date(2026, 11, 1),
    )
    typed = TermDate.objects.create(
        title="Sports day",
        kind=TermDate.Kind.EVENT,
        starts_on=datetime.date(2027, 6, 18),
    )
    other = ics(  # another calendar's dates are not this one's to remove
        event("concert@choir", "Choir concert", "DTSTART;VALUE=DATE:20270312"),
        extra="X-WR-CALNAME:Choir",
    )
    run(other)
    report = run(
        council(event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270104"))
    )
    assert [str(r.term_date) for r in report.removals] == ["Polling day (06 May 2027)"]
    assert sorted(TermDate.objects.values_list("title", flat=True)) == [
        "Choir concert",
        "INSET day",
        "Sports day",  # typed in by hand
        "Summer fair",  # over on 20 November: kept as a record
    ]
    typed.refresh_from_db()
    assert typed.source is None
    assert CalendarSource.objects.count() == 2


def test_dates_imported_before_sources_were_kept_are_synced_by_their_ids():
    """An install upgraded with imported rows that have no source: a file with their
    UID updates or replaces them; the others are listed, not guessed at."""
    TermDate.objects.create(
        uid="club@school/2026-12-03T15:30:00+00:00",
        title="Homework club",
        starts_on=datetime.date(2026, 12, 3),
    )
    TermDate.objects.create(
        uid="old@council", title="Bank holiday", starts_on=datetime.date(2027, 5, 3)
    )
    report = run(council(weekly("20261204")))
    assert {day.strftime("%a") for day in days("Homework club")} == {"Fri"}
    assert any("Bank holiday (03 May 2027)" in note for note in report.notes)
    assert TermDate.objects.filter(title="Bank holiday").exists()


def test_the_command_shows_the_plan_and_dry_run_changes_nothing(tmp_path):
    run(
        council(
            event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270104"),
            event("poll@council", "Polling day", "DTSTART;VALUE=DATE:20270506"),
        )
    )
    path = tmp_path / "council.ics"
    path.write_bytes(
        council(event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270105"))
    )
    out = StringIO()
    call_command("import_term_dates", str(path), "--dry-run", stdout=out)
    said = out.getvalue()
    assert "Calendar: Council term dates" in said
    assert (
        "Updated: INSET day (04 Jan 2027): moves to Tue 5 Jan 2027 "
        "(was Mon 4 Jan 2027)" in said
    )
    assert "Removed: Polling day (06 May 2027): no longer in this calendar" in said
    assert "Dry run, nothing changed" in said
    assert TermDate.objects.count() == 2
    out = StringIO()
    call_command("import_term_dates", str(path), stdout=out)
    assert "1 updated, 1 removed" in out.getvalue()
    assert days("INSET day") == [datetime.date(2027, 1, 5)]
    assert days("Polling day") == []


@pytest.fixture
def office_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    login_verified(client, user)
    return client


def upload(client, content: bytes, **fields):
    return client.post(
        "/admin/term-dates/import/",
        {"file": SimpleUploadedFile("council.ics", content), **fields},
        follow=True,
    )


def fingerprint(html: str) -> str:
    marker = 'name="plan" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_admin_shows_the_changes_first_and_applies_them_when_confirmed(
    office_client,
):
    run(
        council(
            event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270104"),
            event("poll@council", "Polling day", "DTSTART;VALUE=DATE:20270506"),
        )
    )
    preview = upload(
        office_client,
        council(
            event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270105"),
            event("fair@council", "Summer fair", "DTSTART;VALUE=DATE:20270703"),
        ),
    )
    html = preview.content.decode()
    assert preview.redirect_chain[-1][0].startswith("/admin/term-dates/import/")
    assert "imported again into the calendar “<strong>Council term dates" in html
    assert "1 added, 1 updated, 1 removed, 0 unchanged." in html
    assert "Polling day, Thu 6 May 2027" in html
    assert "no longer in this calendar" in html
    assert "moves to Tue 5 Jan 2027 (was Mon 4 Jan 2027)" in html
    assert "Summer fair, Sat 3 Jul 2027" in html
    assert days("Polling day") == [datetime.date(2027, 5, 6)]  # nothing yet
    assert not TermDate.objects.filter(title="Summer fair").exists()

    [staged] = TermDatesUpload.objects.all()
    url = f"/admin/term-dates/import/{staged.pk}/"
    done = office_client.post(url, {"plan": fingerprint(html)}, follow=True)
    assert "Term dates imported: 1 added, 1 updated, 1 removed" in (
        done.content.decode()
    )
    assert days("Polling day") == []
    assert days("INSET day") == [datetime.date(2027, 1, 5)]
    assert days("Summer fair") == [datetime.date(2027, 7, 3)]
    assert not TermDatesUpload.objects.exists()
    twice = office_client.post(url, {"plan": fingerprint(html)}, follow=True)
    assert "has already been imported" in twice.content.decode()  # a second press
    assert days("Summer fair") == [datetime.date(2027, 7, 3)]
    TermDate.objects.create(title="Sports day", starts_on=datetime.date(2027, 6, 18))
    listing = office_client.get("/admin/snippets/cms/termdate/").content.decode()
    assert listing.count("Council term dates") == 2  # where each date came from
    assert "Typed in here" in listing
    entry = ModelLogEntry.objects.filter(action="cms.term_dates_imported").latest("pk")
    assert entry.user_id is not None
    assert entry.data["summary"] == "1 added, 1 updated, 1 removed, 0 unchanged."
    assert entry.data["removed"] == [
        "Polling day (06 May 2027): no longer in this calendar"
    ]


def test_a_plan_that_changed_since_the_preview_is_shown_again_not_applied(
    office_client,
):
    preview = upload(
        office_client,
        council(event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270105")),
    )
    [staged] = TermDatesUpload.objects.all()
    # Meanwhile the same file is imported by someone else.
    run(council(event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270105")))
    again = office_client.post(
        f"/admin/term-dates/import/{staged.pk}/",
        {"plan": fingerprint(preview.content.decode())},
    )
    html = again.content.decode()
    assert again.status_code == 200
    assert "The term dates changed since you looked" in html
    assert "0 added, 0 updated, 0 removed, 1 unchanged." in html
    assert TermDate.objects.count() == 1


def test_staff_choose_a_new_calendar_so_nothing_of_the_known_one_is_removed(
    office_client,
):
    run(council(event("poll@council", "Polling day", "DTSTART;VALUE=DATE:20270506")))
    new_year = council(
        event("inset27@council", "INSET day", "DTSTART;VALUE=DATE:20270901")
    )
    recognised = upload(office_client, new_year).content.decode()
    assert "Polling day, Thu 6 May 2027" in recognised  # would be removed
    separate = upload(office_client, new_year, calendar="new").content.decode()
    assert "becomes a new calendar, “<strong>Council term dates (2)" in separate
    assert "0 removed" in separate
    named = upload(
        office_client, new_year, calendar="new", new_name="Council 2027-28"
    ).content.decode()
    assert "becomes a new calendar, “<strong>Council 2027-28" in named
    known = CalendarSource.objects.get()
    refused = upload(
        office_client, new_year, calendar=str(known.pk), new_name="Council 2027-28"
    ).content.decode()
    assert "A name is for a new calendar" in refused


def test_another_members_upload_cannot_be_seen_or_applied(client, office_client):
    upload(
        office_client,
        council(event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270105")),
    )
    [staged] = TermDatesUpload.objects.all()
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    for response in (
        client.get(f"/admin/term-dates/import/{staged.pk}/", follow=True),
        client.post(
            f"/admin/term-dates/import/{staged.pk}/", {"plan": "x"}, follow=True
        ),
    ):
        html = response.content.decode()
        assert "Tue 5 Jan 2027" not in html
        assert "That calendar file has already been imported" in html
    assert TermDate.objects.count() == 0


def test_sources_belong_to_one_school(office_client):
    run(council(event("poll@council", "Polling day", "DTSTART;VALUE=DATE:20270506")))
    [source] = CalendarSource.objects.all()
    assert source.site == Site.objects.get(is_default_site=True)
    assert source.name == "Council term dates"


def test_of_two_calendars_with_the_files_name_the_one_imported_last_is_updated(
    office_client,
):
    run(council(event("poll@council", "Polling day", "DTSTART;VALUE=DATE:20270506")))
    upload(
        office_client,
        council(event("inset27@council", "INSET day", "DTSTART;VALUE=DATE:20270901")),
        calendar="new",
        new_name="Council 2027-28",
    )
    [staged] = TermDatesUpload.objects.all()
    preview = office_client.get(f"/admin/term-dates/import/{staged.pk}/")
    office_client.post(
        f"/admin/term-dates/import/{staged.pk}/",
        {"plan": fingerprint(preview.content.decode())},
    )
    again = upload(
        office_client,
        council(event("inset27@council", "INSET day", "DTSTART;VALUE=DATE:20270902")),
    ).content.decode()
    assert "imported again into the calendar “<strong>Council 2027-28" in again
    assert "0 removed" in again  # the polling day of the other calendar stays
