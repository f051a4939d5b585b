"""A bilingual school's holiday notice is drafted in both languages (issue 27)."""

from __future__ import annotations

import datetime

import pytest
from wagtail.models import Site

from cms.calendar_settings import HolidayNoticeSettings
from cms.models import NoticePage, TermDate
from publishing.services.holiday_notices import (
    HolidayNoticeNotDrafted,
    holiday_notice_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def christmas(db):
    return TermDate.objects.create(
        title="Christmas holiday",
        kind=TermDate.Kind.HOLIDAY,
        starts_on=datetime.date(2026, 12, 21),
        ends_on=datetime.date(2027, 1, 1),
    )


def test_the_notice_and_its_welsh_version_are_drafted_from_each_template(
    bilingual, christmas
):
    notice = holiday_notice_draft(
        holiday=christmas, now=datetime.datetime(2026, 12, 14, tzinfo=datetime.UTC)
    )

    welsh = NoticePage.objects.get(locale__language_code="cy", holiday=christmas)
    assert welsh.translation_key == notice.translation_key
    draft = welsh.get_latest_revision_as_object()
    assert draft.title == "Gwyliau'r Nadolig: pryd y byddwn yn ateb"
    assert "ysgol ar gau ar gyfer Gwyliau&#x27;r Nadolig" in draft.message
    assert "Christmas holiday" in notice.get_latest_revision_as_object().title
    assert "Ionawr" in draft.message  # the first day back, in Welsh
    assert "January" in notice.get_latest_revision_as_object().message
    assert notice.current_workflow_state is not None  # one approval for both


@pytest.mark.parametrize(
    ("title", "welsh_title", "named"),
    [
        ("Christmas holiday", "Gwyliau'r Gaeaf", "Gwyliau'r Gaeaf"),  # the school's
        ("Spring Half-Term 2027", "", "Hanner tymor y gwanwyn"),  # standard name
        ("INSET day", "", "Diwrnod HMS"),
        ("Eisteddfod week", "", "Eisteddfod week"),  # unknown: as written
    ],
)
def test_the_welsh_notice_names_the_holiday_in_welsh_or_as_written(
    bilingual, christmas, title, welsh_title, named
):
    christmas.title, christmas.welsh_title = title, welsh_title
    christmas.save()

    holiday_notice_draft(
        holiday=christmas, now=datetime.datetime(2026, 12, 14, tzinfo=datetime.UTC)
    )

    welsh = NoticePage.objects.get(locale__language_code="cy", holiday=christmas)
    assert welsh.get_latest_revision_as_object().title.startswith(f"{named}:")


def test_a_missing_welsh_template_stops_the_draft_and_says_where_to_write_it(
    bilingual, christmas
):
    notice_settings = HolidayNoticeSettings.for_site(
        Site.objects.get(is_default_site=True)
    )
    notice_settings.welsh_message_template = ""
    notice_settings.save()

    with pytest.raises(HolidayNoticeNotDrafted, match="the Welsh template is empty"):
        holiday_notice_draft(
            holiday=christmas, now=datetime.datetime(2026, 12, 14, tzinfo=datetime.UTC)
        )
    assert not NoticePage.objects.filter(holiday=christmas).exists()
