"""Response-due times (M2): 24 hours, or the next working day at weekends and in
holidays, from the school's term calendar and monitoring hours (08:00-17:00)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from wagtail.models import Site

from cms.calendar_settings import MonitoringHours
from cms.models import TermDate
from moderation.incidents.due import response_due_at

from .conftest import report

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def christmas(db):
    """Autumn term to Fri 18 Dec 2026, holiday to Mon 4 Jan, back Tue 5 Jan 2027."""
    TermDate.objects.create(
        title="Autumn term",
        kind=TermDate.Kind.TERM,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 12, 18),
    )
    TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 19),
        ends_on=datetime.date(2027, 1, 4),
    )
    TermDate.objects.create(
        title="Spring term",
        kind=TermDate.Kind.TERM,
        starts_on=datetime.date(2027, 1, 5),
        ends_on=datetime.date(2027, 3, 26),
    )


def test_a_weekday_report_is_due_24_hours_later(christmas):
    # Tuesday 10:00 -> Wednesday 10:00
    assert response_due_at(reported_at=at(2026, 11, 24, 10, 0)) == at(
        2026, 11, 25, 10, 0
    )


def test_a_friday_afternoon_report_is_due_by_the_end_of_monday(christmas):
    # Friday 16:00: 24 hours later is Saturday, so the next working day, Monday.
    assert response_due_at(reported_at=at(2026, 11, 27, 16, 0)) == at(
        2026, 11, 30, 17, 0
    )


def test_a_saturday_report_is_due_by_the_end_of_monday(christmas):
    assert response_due_at(reported_at=at(2026, 11, 28, 11, 0)) == at(
        2026, 11, 30, 17, 0
    )


def test_a_report_in_the_holiday_is_due_on_the_first_day_back(christmas):
    # Thursday 17 Dec: 24 hours later is the last day of term, still a school day.
    assert response_due_at(reported_at=at(2026, 12, 17, 9, 30)) == at(
        2026, 12, 18, 9, 30
    )
    # Friday 18 Dec, last day of term: due on Tuesday 5 January, not Monday 21 Dec.
    assert response_due_at(reported_at=at(2026, 12, 18, 14, 0)) == at(2027, 1, 5, 17, 0)
    # Christmas Eve (a Thursday, in the holiday): also the first day back.
    assert response_due_at(reported_at=at(2026, 12, 24, 12, 0)) == at(2027, 1, 5, 17, 0)


def test_an_incident_is_still_recorded_when_no_day_is_monitored(db, editor):
    hours = MonitoringHours.for_site(Site.objects.get(is_default_site=True))
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        setattr(hours, day, False)
    hours.save()
    reported = at(2026, 11, 24, 10, 0)

    incident = report(editor, now=reported)

    assert incident.pk is not None
    assert incident.response_due_at == reported + datetime.timedelta(hours=24)
