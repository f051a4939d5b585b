"""When will a message sent at T next be read? (M1, M2) From the term calendar."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from cms.calendar_settings import MonitoringHours
from cms.models import TermDate
from cms.school_calendar import (
    NoMonitoredHours,
    first_school_day_after,
    next_read_time,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def date(*args) -> datetime.date:
    return datetime.date(*args)


def add(title, kind, starts_on, ends_on=None) -> TermDate:
    return TermDate.objects.create(
        title=title, kind=kind, starts_on=starts_on, ends_on=ends_on
    )


pytestmark = pytest.mark.django_db


def test_a_message_in_school_hours_is_read_straight_away():
    # Wednesday 25 November 2026, 10:15.
    assert next_read_time(london(2026, 11, 25, 10, 15)) == london(2026, 11, 25, 10, 15)


def test_before_the_office_opens_it_is_read_at_eight_the_same_day():
    assert next_read_time(london(2026, 11, 25, 6, 30)) == london(2026, 11, 25, 8, 0)


def test_friday_evening_waits_for_monday_morning():
    sent = london(2026, 11, 27, 17, 0)  # closing time itself is out of hours
    assert next_read_time(sent) == london(2026, 11, 30, 8, 0)
    # Positive control: a minute earlier someone is still watching.
    assert next_read_time(london(2026, 11, 27, 16, 59)) == london(2026, 11, 27, 16, 59)


def test_a_holiday_in_the_term_calendar_is_skipped():
    add(
        "Christmas holiday", TermDate.Kind.HOLIDAY, date(2026, 12, 19), date(2027, 1, 4)
    )
    sent = london(2026, 12, 18, 18, 0)  # the last Friday of term, after school
    assert next_read_time(sent) == london(2027, 1, 5, 8, 0)


def test_inset_days_and_closures_are_skipped_but_events_are_not():
    add("INSET day", TermDate.Kind.INSET, date(2026, 11, 30))
    add("Polling day", TermDate.Kind.CLOSURE, date(2026, 12, 1))
    add("Christmas fair", TermDate.Kind.EVENT, date(2026, 12, 2))
    sent = london(2026, 11, 27, 18, 0)
    assert next_read_time(sent) == london(2026, 12, 2, 8, 0)


def test_the_gap_between_two_terms_is_a_holiday_even_if_not_typed_in():
    add("Summer term", TermDate.Kind.TERM, date(2027, 4, 12), date(2027, 7, 21))
    add("Autumn term", TermDate.Kind.TERM, date(2027, 9, 2), date(2027, 12, 17))
    sent = london(2027, 7, 21, 17, 30)
    assert next_read_time(sent) == london(2027, 9, 2, 8, 0)


def test_after_the_last_term_in_the_calendar_weekdays_count():
    add("Summer term", TermDate.Kind.TERM, date(2027, 4, 12), date(2027, 7, 21))
    # Nothing known after 21 July: Thursday 22 July is treated as a school day.
    assert next_read_time(london(2027, 7, 21, 17, 30)) == london(2027, 7, 22, 8, 0)


def test_the_monitoring_hours_come_from_the_site_setting():
    hours = MonitoringHours.for_site(Site.objects.get(is_default_site=True))
    hours.opens_at = datetime.time(9, 30)
    hours.closes_at = datetime.time(15, 0)
    hours.saturday = True
    hours.save()
    assert next_read_time(london(2026, 11, 27, 15, 30)) == london(2026, 11, 28, 9, 30)
    assert next_read_time(london(2026, 11, 28, 8, 0)) == london(2026, 11, 28, 9, 30)


def test_across_the_clock_change_the_office_still_opens_at_eight_local_time():
    # British Summer Time starts on Sunday 28 March 2027.
    friday = next_read_time(datetime.datetime(2027, 3, 26, 7, 0, tzinfo=UTC))
    assert friday == london(2027, 3, 26, 8, 0)
    assert friday.astimezone(UTC).hour == 8  # GMT: 08:00 local is 08:00 UTC
    monday = next_read_time(datetime.datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    assert monday == london(2027, 3, 29, 8, 0)
    assert monday.astimezone(UTC).hour == 7  # BST: 08:00 local is 07:00 UTC


def test_a_time_given_in_another_zone_is_read_in_the_school_zone():
    # 23:30 in New York on Friday is 04:30 on Saturday in London.
    new_york = zoneinfo.ZoneInfo("America/New_York")
    sent = datetime.datetime(2026, 11, 27, 23, 30, tzinfo=new_york)
    assert next_read_time(sent) == london(2026, 11, 30, 8, 0)


def test_first_day_back_after_a_holiday_skips_the_weekend_and_an_inset_day():
    add(
        "Christmas holiday", TermDate.Kind.HOLIDAY, date(2026, 12, 19), date(2027, 1, 3)
    )
    add("INSET day", TermDate.Kind.INSET, date(2027, 1, 4))
    assert first_school_day_after(date(2027, 1, 3)) == date(2027, 1, 5)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        next_read_time(datetime.datetime(2026, 11, 25, 10, 0))  # noqa: DTZ001


def test_no_watched_day_at_all_is_reported_not_looped_over():
    hours = MonitoringHours.for_site(Site.objects.get(is_default_site=True))
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        setattr(hours, day, False)
    hours.save()  # bypassing the form, as a broken import might
    with pytest.raises(NoMonitoredHours, match="No day in the coming year"):
        next_read_time(london(2026, 11, 25, 10, 0))


def test_the_setting_form_refuses_no_days_and_a_closing_time_before_opening():
    hours = MonitoringHours(site=Site.objects.get(is_default_site=True))
    hours.closes_at = datetime.time(7, 0)
    with pytest.raises(ValidationError, match="until after they open"):
        hours.full_clean()
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        setattr(hours, day, False)
    hours.closes_at = datetime.time(17, 0)
    with pytest.raises(ValidationError, match="at least one day"):
        hours.full_clean()
    hours.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError, match="not a time zone"):
        hours.full_clean()
