"""The RSS feed of news, the iCal feed of term dates and the sitemap parse correctly."""

import datetime

import pytest
from defusedxml import ElementTree
from django.urls import reverse
from django.utils import timezone

from cms.ical import escape_text, fold_line, term_dates_calendar
from cms.models import TermDate
from tests.factories import NewsCategoryFactory, NewsPageFactory, TermDateFactory


def test_news_feed_lists_live_news_newest_first(client, school):
    NewsPageFactory(
        parent=school.news_index,
        title="Older story",
        date=datetime.date(2026, 3, 1),
    )
    newer = NewsPageFactory(
        parent=school.news_index,
        title="Trip to the seaside & back",
        summary="Rock pools <and> crabs",
        date=datetime.date(2026, 3, 5),
    )
    newer.categories.add(NewsCategoryFactory(name="Trips", slug="trips"))
    newer.save()
    draft = NewsPageFactory(parent=school.news_index, title="Draft story")
    draft.unpublish()

    response = client.get(reverse("news_feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Meadowbank Primary School: news"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Trip to the seaside & back",
        "Older story",
    ]
    first = items[0]
    assert first.findtext("link") == f"http://testserver{newer.url}"
    assert first.findtext("description") == "Rock pools <and> crabs"
    assert first.findtext("category") == "Trips"
    assert "05 Mar 2026" in first.findtext("pubDate")


def test_term_dates_calendar_is_valid_icalendar(client, db):
    today = timezone.localdate()
    TermDateFactory(
        title="Half term; school closed, office shut",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=14),
        details="Back on Monday.\nBring your reading book.",
    )
    TermDateFactory(title="Sports day", starts_on=today + datetime.timedelta(days=3))

    response = client.get(reverse("term_dates_ical"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert "\n" not in "".join(lines)  # CRLF only, never a bare LF
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert lines.count("BEGIN:VEVENT") == 2 == lines.count("END:VEVENT")
    unfolded = text.replace("\r\n ", "")
    half_term_start = today + datetime.timedelta(days=10)
    day_after_end = today + datetime.timedelta(days=15)
    assert f"DTSTART;VALUE=DATE:{half_term_start:%Y%m%d}" in unfolded
    assert f"DTEND;VALUE=DATE:{day_after_end:%Y%m%d}" in unfolded
    assert "SUMMARY:Half term\\; school closed\\, office shut" in unfolded
    assert "DESCRIPTION:Back on Monday.\\nBring your reading book." in unfolded
    assert "CATEGORIES:School holiday" in unfolded


def test_event_ids_are_the_same_whichever_address_the_calendar_is_fetched_from(
    client, db
):
    """Calendar apps match events by UID: another host name must not duplicate them."""
    TermDateFactory(title="Sports day", starts_on=timezone.localdate())

    texts = [
        client.get(reverse("term_dates_ical"), HTTP_HOST=host).content.decode()
        for host in ("testserver", "www.school.example", "[::1]:8000")
    ]
    uids = [
        [line for line in text.split("\r\n") if line.startswith("UID:")]
        for text in texts
    ]

    assert len(uids[0]) == 1
    assert uids[0][0].endswith("@testserver")
    assert uids[0] == uids[1] == uids[2]


def test_a_one_day_event_ends_the_next_day(db):
    term_date = TermDateFactory(starts_on=datetime.date(2026, 6, 18))

    text = term_dates_calendar(
        [term_date],
        calendar_name="Term dates",
        uid_domain="school.example",
        generated_at=timezone.now(),
    )

    assert "DTSTART;VALUE=DATE:20260618\r\n" in text
    assert "DTEND;VALUE=DATE:20260619\r\n" in text
    assert f"UID:term-date-{term_date.pk}@school.example\r\n" in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c", "a\\,b\\;c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nline", "windows\\nline"),
    ],
)
def test_escape_text(raw, escaped):
    assert escape_text(raw) == escaped


def test_fold_line_never_splits_a_character_and_keeps_75_octets():
    line = "DESCRIPTION:" + "Eisteddfod ysgol – côr a dawns " * 8

    folded = fold_line(line)

    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join([pieces[0], *(piece[1:] for piece in pieces[1:])]) == line


def test_sitemap_lists_the_public_pages(client, school):
    story = NewsPageFactory(parent=school.news_index, title="Library reopens")
    draft = NewsPageFactory(parent=school.news_index, title="Not yet")
    draft.unpublish()

    response = client.get(reverse("sitemap"))

    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [
        element.text
        for element in ElementTree.fromstring(response.content).findall(
            "s:url/s:loc", namespace
        )
    ]
    root_url = school.home.get_site().root_url
    assert f"{root_url}{story.url}" in locations
    assert f"{root_url}{school.news_index.url}" in locations
    assert not any(location.endswith(draft.url) for location in locations)
