"""Scheduling a post outside the monitoring hours warns and offers the next slot."""

import datetime

import pytest

from cms.models import TermDate
from cms.out_of_hours import out_of_hours
from moderation import roles
from tests.factories import NewsIndexPageFactory, NewsPageFactory
from tests.moderation.workflow.conftest import news_edit_form, signed_in, staff
from tests.publishing.calendar_steps import Clock, london

NOW = london(2026, 11, 25, 12, 0)  # a Wednesday in term


@pytest.fixture
def clock(db):
    clock = Clock(NOW)
    yield clock
    clock.stop()


def test_saturday_morning_names_monday_at_eight(db):
    warning = out_of_hours(london(2026, 11, 28, 10, 0), now=NOW)
    assert warning.next_read == london(2026, 11, 30, 8, 0)
    assert warning.message() == (
        "This is scheduled to go live on Saturday 28 November at 10:00, when nobody "
        "watches the school's social media: replies and comments will next be read "
        "on Monday 30 November at 08:00."
    )


def test_in_school_hours_or_now_there_is_no_warning(db):
    assert out_of_hours(london(2026, 11, 26, 10, 0), now=NOW) is None
    assert out_of_hours(None, now=NOW) is None
    assert out_of_hours(london(2026, 11, 20, 22, 0), now=NOW) is None  # past


def test_in_a_holiday_it_names_the_first_day_back(db):
    TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 19),
        ends_on=datetime.date(2027, 1, 4),
    )
    warning = out_of_hours(london(2026, 12, 22, 11, 0), now=NOW)
    assert warning.next_read == london(2027, 1, 5, 8, 0)


def test_the_editor_is_warned_and_can_take_the_next_slot(clock, home_page):
    editor = staff("editor", roles.EDITORS)
    news = NewsPageFactory(parent=NewsIndexPageFactory(parent=home_page), live=False)
    client = signed_in(editor)
    response = client.post(
        f"/admin/pages/{news.pk}/edit/",
        news_edit_form(news, go_live_at="2026-11-28 10:00"),
        follow=True,
    )
    html = response.content.decode()
    assert "replies and comments will next be read on Monday 30 November at 08:00" in (
        html
    )
    assert "Go live on Monday 30 November at 08:00 instead" in html

    offer = client.get(f"/admin/pages/{news.pk}/watched-hours/")
    assert "Go live on Monday 30 November at 08:00 instead" in offer.content.decode()
    client.post(f"/admin/pages/{news.pk}/watched-hours/")
    news.refresh_from_db()
    draft = news.get_latest_revision_as_object()
    assert draft.go_live_at == london(2026, 11, 30, 8, 0)

    # Positive control: a time in school hours brings no warning.
    response = client.post(
        f"/admin/pages/{news.pk}/edit/",
        news_edit_form(news, go_live_at="2026-11-26 10:00"),
        follow=True,
    )
    assert "will next be read" not in response.content.decode()
