"""Green, amber, red: what the head sees for each requirement on a given day."""

import datetime

import pytest

from cms.statutory.models import StatutoryRecord, StatutoryRequirement
from cms.statutory.status import AMBER, GREEN, RED, item_status

pytestmark = pytest.mark.django_db


def requirement(key):
    return StatutoryRequirement.objects.get(key=key)


def linked(reviewed):
    return StatutoryRecord(page_id=1, linked="page", last_reviewed=reviewed)


def status(key, reviewed, today, problem=""):
    return item_status(requirement(key), linked(reviewed), today=today, problem=problem)


def test_a_yearly_deadline_turns_amber_30_days_before_and_red_once_missed():
    # Pupil premium statement: by 31 December each year.
    reviewed_last_year = datetime.date(2025, 12, 10)
    assert (
        status("pupil_premium", reviewed_last_year, datetime.date(2026, 11, 20)).colour
        == GREEN
    )
    soon = status("pupil_premium", reviewed_last_year, datetime.date(2026, 12, 6))
    assert soon.colour == AMBER
    assert soon.summary == "Due by 31 December 2026"
    missed = status("pupil_premium", reviewed_last_year, datetime.date(2027, 1, 2))
    assert missed.colour == RED
    assert missed.summary == "Not updated for the deadline of 31 December 2026"
    updated = status(
        "pupil_premium", datetime.date(2026, 12, 1), datetime.date(2026, 12, 6)
    )
    assert updated.colour == GREEN
    assert updated.due == datetime.date(2026, 12, 31)


def test_a_yearly_review_is_amber_when_due_within_30_days_or_overdue():
    today = datetime.date(2026, 12, 6)
    assert status("send_report", datetime.date(2026, 3, 1), today).colour == GREEN
    due = status("send_report", datetime.date(2025, 12, 20), today)
    assert (due.colour, due.due) == (AMBER, datetime.date(2026, 12, 20))
    assert status("send_report", datetime.date(2025, 6, 1), today).summary.startswith(
        "Review overdue since"
    )


def test_kept_current_items_follow_the_content_review_period(settings):
    settings.CONTENT_REVIEW_STALE_DAYS = 180
    today = datetime.date(2026, 12, 6)
    assert (
        status("complaints", today - datetime.timedelta(days=100), today).colour
        == GREEN
    )
    assert (
        status("complaints", today - datetime.timedelta(days=181), today).colour
        == AMBER
    )


def test_missing_links_are_red_for_musts_and_amber_for_shoulds():
    today = datetime.date(2026, 12, 6)
    must = item_status(requirement("complaints"), None, today=today)
    should = item_status(requirement("values_ethos"), None, today=today)
    assert (must.colour, must.summary) == (RED, "Not on the website yet")
    assert should.colour == AMBER


def test_a_broken_link_is_red_with_its_reason_whatever_the_review():
    broken = status(
        "complaints", datetime.date(2026, 12, 1), datetime.date(2026, 12, 6),
        problem="The linked page “Complaints” is not published",
    )  # fmt: skip
    assert (broken.colour, broken.summary) == (
        RED,
        "The linked page “Complaints” is not published",
    )


def test_a_deadline_on_29_february_falls_on_the_28th_in_other_years():
    item = StatutoryRequirement(
        key="leap", cadence="deadline", deadline_month=2, deadline_day=29, basis="must"
    )
    soon = item_status(
        item, linked(datetime.date(2026, 1, 1)), today=datetime.date(2027, 2, 10)
    )
    assert soon.due == datetime.date(2027, 2, 28)
