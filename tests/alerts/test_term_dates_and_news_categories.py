"""Term dates and events, and news by the school's own categories (issue 24 part 1)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from alerts.models import AlertEmail, Category, Frequency, Subscriber
from alerts.sending import alert_emails_send_due
from cms.models import TermDate
from cms.term_dates_import import term_dates_import
from tests import factories
from tests.alerts.conftest import confirmed_subscriber, link_in

CALENDAR_NOW = {Category.TERM_DATES: Frequency.IMMEDIATE}


def _date(site, title, days_ahead=10, **fields):
    return factories.TermDateFactory(
        site=site,
        title=title,
        starts_on=timezone.localdate() + datetime.timedelta(days=days_ahead),
        **fields,
    )


def test_a_new_or_changed_date_in_the_calendar_is_emailed(
    school, other_school, smtp, worker, django_capture_on_commit_callbacks
):
    site = school.home.get_site()
    confirmed_subscriber(site, "smith@family.example", CALENDAR_NOW)
    confirmed_subscriber(site, "jones@family.example", {Category.URGENT: "immediate"})
    confirmed_subscriber(other_school.site, "patel@family.example", CALENDAR_NOW)
    with django_capture_on_commit_callbacks(execute=True):
        concert = _date(
            site,
            "Winter concert",
            kind=TermDate.Kind.EVENT,
            starts_at_time=datetime.time(18, 0),
            ends_at_time=datetime.time(19, 30),
            details="In the hall.",
        )
        _date(site, "Last year's fair", days_ahead=-30)  # over: not announced
    worker.drain()
    [mail] = smtp.received
    assert mail.recipients == ["smith@family.example"]
    assert mail.subject == "Meadowbank Primary School: Winter concert"
    assert f"Event: {concert.starts_on:%A} {concert.starts_on.day}" in mail.text
    assert "18:00 to 19:30. In the hall." in mail.text
    assert link_in(mail.text, "/term-dates/") == "/term-dates/"

    with django_capture_on_commit_callbacks(execute=True):
        concert.save()  # saved again, nothing families see changed
        concert.welsh_title = "Cyngerdd y gaeaf"
        concert.save()
    worker.drain()
    assert len(smtp.received) == 1

    with django_capture_on_commit_callbacks(execute=True):
        concert.starts_on += datetime.timedelta(days=1)
        concert.save()
    worker.drain()
    changed = smtp.received[-1]
    assert changed.subject == "Meadowbank Primary School: Changed: Winter concert"
    assert f"{concert.starts_on:%A}" in changed.text
    assert len(smtp.received) == 2


def test_the_summary_lists_a_date_once_as_it_now_is_and_not_a_removed_one(
    school, smtp, publish, redis_connection
):
    site = school.home.get_site()
    confirmed_subscriber(
        site,
        "smith@family.example",
        {Category.TERM_DATES: Frequency.WEEKLY, Category.NEWS: Frequency.WEEKLY},
    )
    publish(
        factories.NewsPageFactory(
            parent=school.news_index, title="Sports day results", live=False
        )
    )
    inset = _date(site, "INSET day", kind=TermDate.Kind.INSET)
    inset.title = "INSET day (moved)"
    inset.save()
    _date(site, "Cake sale").delete()
    assert AlertEmail.objects.filter(status=AlertEmail.Status.QUEUED).count() == 2
    [friday] = set(AlertEmail.objects.values_list("due_at", flat=True))
    on_the_school_clock = timezone.localtime(friday)
    assert on_the_school_clock.strftime("%A %H:%M") == "Friday 16:00"

    minute = datetime.timedelta(minutes=1)
    alert_emails_send_due(site_id=site.pk, now=friday - minute)
    assert smtp.to("smith@family.example") == []
    alert_emails_send_due(site_id=site.pk, now=friday)
    [digest] = smtp.to("smith@family.example")
    assert digest.subject == "Meadowbank Primary School: this week's updates"
    assert "Sports day results" in digest.text
    assert "Changed: INSET day (moved)" in digest.text
    assert digest.text.count("\n* ") == 2  # the news and the date, once
    assert "Cake sale" not in digest.text


def test_a_family_picks_news_by_the_schools_own_categories(
    school, smtp, client, worker, publish
):
    sport = factories.NewsCategoryFactory(name="Sport", slug="sport")
    trips = factories.NewsCategoryFactory(name="Trips", slug="trips")
    factories.NewsCategoryFactory(name="Unused", slug="unused")
    for category in (sport, trips):
        page = factories.NewsPageFactory(parent=school.news_index)
        page.categories.set([category])
        page.save_revision().publish()

    html = client.get("/updates/").content.decode()
    assert "Only news about" in html and "Term dates and events" in html
    assert f'value="{sport.pk}"' in html and f'value="{trips.pk}"' in html
    assert "Unused" not in html  # not a category this school's news uses

    form = {
        "email": "smith@family.example",
        "news": "immediate",
        "news_categories": [str(sport.pk)],
        "term_dates": "",
    }
    assert client.post("/updates/", form).status_code == 200
    confirm = link_in(smtp.received[0].text, "/updates/confirm/")
    assert "Only news about: Sport" in client.get(confirm).content.decode()
    client.post(confirm)
    subscriber = Subscriber.objects.get()
    assert subscriber.consent["choices"] == {
        Category.NEWS: Frequency.IMMEDIATE,
        "news_categories": [sport.pk],
    }

    for title, category in (("Trip to the zoo", trips), ("Football final", sport)):
        page = factories.NewsPageFactory(
            parent=school.news_index, title=title, live=False
        )
        page.categories.set([category])
        publish(page)
    worker.drain()
    assert [m.subject for m in smtp.to("smith@family.example")[1:]] == [
        "Meadowbank Primary School: Football final"
    ]


def test_an_imported_calendar_is_one_message_not_one_per_date(
    school, smtp, worker, django_capture_on_commit_callbacks
):
    """A year's calendar imported at once: a family who chose "straight away" gets
    one email naming the dates, not one per date (a date already over is left out)."""
    site = school.home.get_site()
    confirmed_subscriber(site, "smith@family.example", CALENDAR_NOW)
    today = timezone.localdate()
    events = [
        "\r\n".join(
            [
                "BEGIN:VEVENT",
                f"UID:date-{number}@council.example",
                "DTSTAMP:20261101T090000Z",
                f"SUMMARY:{title}",
                f"DTSTART;VALUE=DATE:{today + datetime.timedelta(days=days):%Y%m%d}",
                "END:VEVENT",
            ]
        )
        for number, (title, days) in enumerate(
            [
                ("Sports day", 20),
                ("Parents' evening", 30),
                ("Book week", 40),
                ("Summer fair", 50),
                ("Nativity", 60),
                ("Harvest festival", 70),
                ("Last term's fair", -30),
            ]
        )
    ]
    content = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Council//EN", *events]
        + ["END:VCALENDAR", ""]
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        term_dates_import(content=content, uid_domain="school.example", site=site)
    worker.drain()
    [mail] = smtp.received
    assert mail.subject == (
        "Meadowbank Primary School: 6 dates added or changed in the school calendar"
    )
    assert "Sports day:" in mail.text
    assert "and 1 more on the website." in mail.text
    assert "Last term's fair" not in mail.text
    assert link_in(mail.text, "/term-dates/") == "/term-dates/"
    assert TermDate.objects.filter(site=site).count() == 7
