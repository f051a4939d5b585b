"""The school languages setting: its rules and where it is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from cms.languages import SchoolLanguages, language_plan

pytestmark = pytest.mark.django_db


def test_a_bilingual_school_must_give_its_welsh_name(school):
    setting = SchoolLanguages(
        site=school.home.get_site(),
        languages=SchoolLanguages.Choice.WELSH_AND_ENGLISH,
    )

    with pytest.raises(ValidationError) as error:
        setting.full_clean()

    assert "Give the school's name in Welsh as well." in str(error.value)


def test_choosing_welsh_makes_the_welsh_locale(school):
    assert not Locale.objects.filter(language_code="cy").exists()

    SchoolLanguages.objects.create(
        site=school.home.get_site(),
        languages=SchoolLanguages.Choice.WELSH_AND_ENGLISH,
        welsh_name="Ysgol Glan-y-Ddôl",
        welsh_first=False,
    )

    plan = language_plan(school.home.get_site())
    assert Locale.objects.filter(language_code="cy").exists()
    assert plan.codes == ("en-gb", "cy") and plan.parity


def test_one_schools_languages_are_not_anothers(school):
    from wagtail.models import Page, Site

    other_root = Page.objects.get(depth=1).add_child(title="Other school")
    other = Site.objects.create(hostname="other.example", root_page=other_root)
    SchoolLanguages.objects.create(
        site=school.home.get_site(),
        languages=SchoolLanguages.Choice.WELSH_AND_ENGLISH,
        welsh_name="Ysgol Glan-y-Ddôl",
    )

    assert language_plan(school.home.get_site()).bilingual
    assert not language_plan(other).bilingual
