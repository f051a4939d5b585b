"""Importing term dates from an .ics file: recurring, zones, duplicates, bad files."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from cms.calendar_file import TermDatesFileRefused
from cms.models import TermDate
from cms.term_dates_import import term_dates_import

pytestmark = pytest.mark.django_db

DOMAIN = "testserver"
TODAY = datetime.date(2026, 11, 27)


def ics(*events: str, extra: str = "") -> bytes:
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Council//Term dates//EN"]
        + ([extra] if extra else [])
        + list(events)
        + ["END:VCALENDAR", ""]
    )
    return body.encode()


def event(uid: str, summary: str, *lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T090000Z", f"SUMMARY:{summary}"]
        + list(lines)
        + ["END:VEVENT"]
    )


NEW_YORK_ZONE = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:America/New_York",
        "BEGIN:STANDARD",
        "DTSTART:20071104T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:20070311T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]
)


def run(content: bytes):
    return term_dates_import(content=content, uid_domain=DOMAIN, today=TODAY)


def test_all_day_and_timed_events_in_another_zone_become_school_dates():
    report = run(
        ics(
            event(
                "xmas@council",
                "Christmas holiday",
                "DTSTART;VALUE=DATE:20261219",
                "DTEND;VALUE=DATE:20270105",  # exclusive: last day is 4 January
                "CATEGORIES:School holiday",
            ),
            event(
                "evening@council",
                "Parents' evening",
                "DTSTART;TZID=America/New_York:20261203T130000",
                "DTEND;TZID=America/New_York:20261203T150000",
            ),
            extra=NEW_YORK_ZONE,
        )
    )
    assert report.summary() == "2 added, 0 updated, 0 removed, 0 unchanged."
    holiday = TermDate.objects.get(uid="xmas@council")
    assert (holiday.kind, holiday.starts_on, holiday.ends_on) == (
        TermDate.Kind.HOLIDAY,
        datetime.date(2026, 12, 19),
        datetime.date(2027, 1, 4),
    )
    assert holiday.is_all_day
    evening = TermDate.objects.get(uid="evening@council")
    # 13:00 in New York in December is 18:00 in London.
    assert (evening.starts_on, evening.starts_at_time, evening.ends_at_time) == (
        datetime.date(2026, 12, 3),
        datetime.time(18, 0),
        datetime.time(20, 0),
    )
    assert evening.kind == TermDate.Kind.EVENT


def test_a_repeating_event_is_expanded_and_a_second_import_adds_nothing():
    weekly = event(
        "club@school",
        "Homework club",
        "DTSTART;TZID=Europe/London:20261202T153000",
        "DTEND;TZID=Europe/London:20261202T163000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "EXDATE;TZID=Europe/London:20261209T153000",
    )
    first = run(ics(weekly))
    days = list(
        TermDate.objects.filter(title="Homework club").values_list("starts_on", flat=1)
    )
    assert days == [
        datetime.date(2026, 12, 2),
        datetime.date(2026, 12, 16),
        datetime.date(2026, 12, 23),
    ]
    assert len(first.additions) == 3
    second = run(ics(weekly))
    assert second.summary() == "0 added, 0 updated, 0 removed, 3 unchanged."
    assert TermDate.objects.count() == 3


def test_a_re_import_updates_a_moved_date_instead_of_duplicating_it():
    run(ics(event("inset@school", "INSET day", "DTSTART;VALUE=DATE:20270104")))
    report = run(ics(event("inset@school", "INSET day", "DTSTART;VALUE=DATE:20270105")))
    assert [str(change.term_date) for change in report.changes] == [
        "INSET day (05 Jan 2027)"
    ]
    assert report.changes[0].differences == (
        "moves to Tue 5 Jan 2027 (was Mon 4 Jan 2027)",
    )
    [inset] = TermDate.objects.all()
    assert (inset.kind, inset.starts_on) == (
        TermDate.Kind.INSET,
        datetime.date(2027, 1, 5),
    )


def test_duplicate_ids_in_one_file_keep_the_latest_version():
    report = run(
        ics(
            event("poll@school", "Polling day", "DTSTART;VALUE=DATE:20270506"),
            event(
                "poll@school",
                "Polling day: school closed",
                "SEQUENCE:2",
                "DTSTART;VALUE=DATE:20270507",
            ),
        )
    )
    [closure] = TermDate.objects.all()
    assert closure.title == "Polling day: school closed"
    assert closure.kind == TermDate.Kind.CLOSURE
    assert any("appears more than once" in note for note in report.notes)


def test_an_event_that_ends_before_it_starts_is_skipped_and_named():
    report = run(
        ics(
            event(
                "bad@school",
                "Sports day",
                "DTSTART:20270618T130000Z",
                "DTEND:20270618T100000Z",
            ),
            event("ok@school", "Summer fair", "DTSTART;VALUE=DATE:20270703"),
        )
    )
    assert [d.title for d in TermDate.objects.all()] == ["Summer fair"]
    assert len(report.skipped) == 1
    assert "Sports day" in report.skipped[0]
    assert "ends" in report.skipped[0]


def test_overlapping_holidays_are_both_kept_with_a_note():
    report = run(
        ics(
            event(
                "a@x",
                "Easter holiday",
                "DTSTART;VALUE=DATE:20270329",
                "DTEND;VALUE=DATE:20270410",
            ),
            event(
                "b@x",
                "Easter holiday (juniors)",
                "DTSTART;VALUE=DATE:20270405",
                "DTEND;VALUE=DATE:20270413",
            ),
        )
    )
    assert TermDate.objects.count() == 2
    assert report.notes == [
        "“Easter holiday” and “Easter holiday (juniors)” overlap; both were kept."
    ]


def test_a_5_mb_file_is_refused_and_nothing_changes(tmp_path):
    TermDate.objects.create(title="Kept", starts_on=TODAY)
    filler = event("big@x", "x" * 100, "DTSTART;VALUE=DATE:20270101") + "\r\n"
    big = ics(*([filler] * (5 * 1024 * 1024 // len(filler))))
    assert len(big) > 5_000_000
    with pytest.raises(TermDatesFileRefused, match="calendar files of up to 1.0 MB"):
        run(big)
    path = tmp_path / "huge.ics"
    path.write_bytes(big)
    with pytest.raises(CommandError, match="The file is 5.0 MB"):
        call_command("import_term_dates", str(path))
    assert [d.title for d in TermDate.objects.all()] == ["Kept"]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Title,Date\nChristmas,2026-12-19\n",
        b"BEGIN:VCALENDAR\r\nthis is not a property line\r\n",
    ],
    ids=["picture", "spreadsheet", "broken-calendar"],
)
def test_a_file_that_is_not_a_calendar_is_refused(content):
    with pytest.raises(TermDatesFileRefused) as refused:
        run(content)
    assert "calendar" in str(refused.value)
    assert TermDate.objects.count() == 0


def test_the_command_imports_and_says_what_it_did(tmp_path):
    path = tmp_path / "dates.ics"
    path.write_bytes(ics(event("i@x", "INSET day", "DTSTART;VALUE=DATE:20270104")))
    from io import StringIO

    out = StringIO()
    call_command("import_term_dates", str(path), stdout=out)
    assert "Added: INSET day (Mon 4 Jan 2027)" in out.getvalue()
    assert "1 added, 0 updated, 0 removed, 0 unchanged." in out.getvalue()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_term_dates", str(tmp_path / "missing.ics"))


def test_our_own_feed_round_trips_through_the_importer(client, settings):
    settings.SITE_URL = f"http://{DOMAIN}"
    TermDate.objects.create(
        title="Autumn term",
        kind=TermDate.Kind.TERM,
        starts_on=datetime.date(2026, 9, 3),
        ends_on=datetime.date(2026, 12, 18),
    )
    TermDate.objects.create(
        title="Christmas concert; infants, juniors",
        kind=TermDate.Kind.EVENT,
        starts_on=datetime.date(2026, 12, 16),
        starts_at_time=datetime.time(13, 30),
        ends_at_time=datetime.time(15, 0),
        details="In the hall.\nBring a coat.",
    )
    TermDate.objects.create(
        title="Summer concert",  # in British Summer Time
        starts_on=datetime.date(2027, 6, 30),
        starts_at_time=datetime.time(18, 0),
    )
    fields = ["title", "kind", "starts_on", "ends_on", "starts_at_time",
              "ends_at_time", "details"]  # fmt: skip
    before = list(TermDate.objects.values_list(*fields))
    feed = client.get("/feeds/term-dates.ics").content

    again = run(feed)
    assert again.summary() == "0 added, 0 updated, 0 removed, 3 unchanged."
    assert TermDate.objects.count() == 3

    TermDate.objects.all().delete()
    fresh = run(feed)
    assert len(fresh.additions) == 3
    assert list(TermDate.objects.values_list(*fields)) == before


def test_staff_import_the_file_in_the_admin_and_bad_files_are_explained(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory
    from tests.twofactor import login_verified

    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    url = "/admin/term-dates/import/"
    assert client.get(url).status_code == 200
    good = ics(event("i@x", "INSET day", "DTSTART;VALUE=DATE:20270104"))
    response = client.post(
        url, {"file": SimpleUploadedFile("dates.ics", good)}, follow=True
    )
    preview = response.content.decode()
    assert "INSET day, Mon 4 Jan 2027" in preview
    assert not TermDate.objects.exists()  # shown first, applied when confirmed
    start = preview.index('name="plan" value="') + len('name="plan" value="')
    response = client.post(
        response.redirect_chain[-1][0],
        {"plan": preview[start : preview.index('"', start)]},
        follow=True,
    )
    assert "Term dates imported: 1 added" in response.content.decode()
    assert TermDate.objects.get().kind == TermDate.Kind.INSET

    response = client.post(
        url, {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n")}
    )
    assert response.status_code == 200
    assert "This is not a calendar file" in response.content.decode()
    assert TermDate.objects.count() == 1


def test_the_admin_import_is_for_staff_who_may_edit_term_dates(client):
    from tests.factories import UserFactory
    from tests.twofactor import login_verified

    login_verified(client, UserFactory(is_staff=True))
    assert client.get("/admin/term-dates/import/").status_code in (302, 403)


def _cut(content: bytes, before: bytes) -> bytes:
    return content[: content.index(before)]


FULL = ics(
    event(
        "xmas@council",
        "Christmas holiday",
        "DTSTART;VALUE=DATE:20261219",
        "DTEND;VALUE=DATE:20270105",
    ),
    event("inset@council", "INSET day", "DTSTART;VALUE=DATE:20270104"),
)


BROKEN_ZONE = NEW_YORK_ZONE.replace(
    "DTSTART:20071104T020000", "DTSTART:garbage"
).encode()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (_cut(FULL, b"SUMMARY:INSET"), "stops part-way through: its last event"),
        (_cut(FULL, b"END:VCALENDAR"), "stops part-way through"),
        (_cut(FULL, b"END:VCALENDAR") + b"END:VCAL", "stops part-way through"),
        (FULL[:40], "stops part-way through"),
        (
            FULL.replace(b"BEGIN:VEVENT\r\nUID:inset", b"UID:inset"),
            "ends (line 15) that was never started",
        ),
        (FULL + b"BEGIN:VEVENT\r\n", "carries on after its end"),
        (
            FULL.replace(b"PRODID", BROKEN_ZONE + b"\r\nPRODID"),
            "some of its lines are not in calendar format",
        ),
    ],
    ids=[
        "cut-in-an-event",
        "cut-before-the-end",
        "cut-in-the-last-line",
        "cut-in-the-header",
        "end-without-begin",
        "trailing-part",
        "bad-time-zone",
    ],
)
def test_a_damaged_file_is_refused_in_words_not_raw_bytes(content, words):
    """Issue 21.7: a truncated file showed the parser's repr of raw bytes."""
    with pytest.raises(TermDatesFileRefused) as refused:
        run(content)
    message = str(refused.value)
    assert words in message
    assert "b'" not in message and "\\r\\n" not in message
    assert "Nothing was imported." in message
    assert TermDate.objects.count() == 0


def test_a_line_the_parser_leaves_out_is_said_not_dropped_silently():
    report = run(
        ics(
            event(
                "inset@council",
                "INSET day",
                "DTSTART;VALUE=DATE:20270104",
                'LOCATION;X="unclosed:Hall',
            )
        )
    )
    assert TermDate.objects.get().title == "INSET day"
    assert report.notes == [
        "“INSET day”: a line that could not be read was left out; check it after "
        "importing."
    ]


def test_an_event_with_unreadable_values_is_skipped_and_named_in_words():
    report = run(
        ics(
            event("a@x", "Sports day", "DTSTART;VALUE=DATE:2027061"),
            event("b@x", "Book week", "DTSTART;VALUE=DATE:20270301", "SEQUENCE:two"),
            event(
                "c@x",
                "Swimming",
                "DTSTART;TZID=Europe/London:20270301T090000",
                "RRULE:FREQ=SOMETIMES",
            ),
            event("d@x", "Fun run", "DTSTART;VALUE=DATE:20270302", "DURATION:P1Q"),
            event("ok@x", "Summer fair", "DTSTART;VALUE=DATE:20270703"),
        )
    )
    assert [d.title for d in TermDate.objects.all()] == ["Summer fair"]
    assert report.skipped == [
        "“Swimming” has a repeat rule that cannot be read (“FREQ=SOMETIMES”): none "
        "of its dates were imported.",
        "“Sports day” has a start that cannot be read (“2027061”): skipped.",
        "“Book week” has a version number that cannot be read (“two”): skipped.",
        "“Fun run” has a length that cannot be read (“P1Q”): skipped.",
    ]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["DTSTART:P1D"], "has a start that is not a date"),
        (["DTSTART:20270101T090000/PT1H"], "has a start that is not a date"),
        (["DTSTART;VALUE=DATE:20270101", "DTEND:P1D"], "has an end that is not a date"),
        (["DTSTART:T090000"], "has a start that cannot be read (“T090000”)"),
        (
            ["DTSTART;VALUE=DATE:20270101", "DTEND:zz"],
            "has an end that cannot be read (“zz”)",
        ),
    ],
)
def test_dates_that_are_not_dates_are_skipped_in_words(lines, reason):
    report = run(ics(event("odd@x", "Odd day", *lines)))
    assert not TermDate.objects.exists()
    assert report.skipped == [f"“Odd day” {reason}: skipped."]


def test_an_all_day_event_ending_on_its_start_day_is_that_one_day():
    run(
        ics(
            event(
                "d@x",
                "INSET day",
                "DTSTART;VALUE=DATE:20270104",
                "DTEND;VALUE=DATE:20270104",
            )
        )
    )
    inset = TermDate.objects.get()
    assert (inset.starts_on, inset.ends_on) == (datetime.date(2027, 1, 4), None)


def test_the_admin_shows_a_truncated_file_in_words(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory
    from tests.twofactor import login_verified

    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        "/admin/term-dates/import/",
        {"file": SimpleUploadedFile("dates.ics", _cut(FULL, b"END:VCALENDAR"))},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The calendar file stops part-way through" in html
    assert "BEGIN:VCALENDAR\\r\\n" not in html and "b&#x27;" not in html
