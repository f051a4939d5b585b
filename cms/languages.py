"""Which languages a school publishes in, in which order, and whether together.

A school in Wales publishes in Welsh and English at the same time, Welsh not treated
less favourably in position or timing (Welsh Government guidance, issue 27). One
setting per school site (Settings -> School languages): an English-only school, the
default, has no row to read and sees no change.

Content languages are Wagtail locales: a Welsh page is the translation of its English
page (same ``translation_key``) and lives under ``/cy/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Locale, Site

from schools.current import school_for_request

from .caching.generation_memo import GenerationMemo

ENGLISH = settings.LANGUAGE_CODE  # "en-gb"
WELSH = "cy"
LANGUAGE_NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}

_plans = GenerationMemo(size=64)  # one per school site
_locale_codes = GenerationMemo(size=1)


@register_setting(icon="globe")
class SchoolLanguages(BaseSiteSetting):
    """The languages one school publishes in (issue 27)."""

    class Choice(models.TextChoices):
        ENGLISH_ONLY = "en", _("English only")
        WELSH_AND_ENGLISH = "cy+en", _("Welsh and English")

    languages = models.CharField(
        _("languages"),
        max_length=8,
        choices=Choice.choices,
        default=Choice.ENGLISH_ONLY,
    )
    welsh_first = models.BooleanField(
        _("Welsh comes first"),
        default=True,
        help_text=_(
            "Welsh is shown first on the website, in the language switcher and in "
            "bilingual social posts."
        ),
    )
    parity = models.BooleanField(
        _("publish both languages together"),
        default=True,
        help_text=_(
            "A page goes live only with its translation: one approval publishes "
            "both at the same moment. Publishing one language alone needs a senior "
            "leader to record an exception."
        ),
    )
    welsh_name = models.CharField(
        _("the school's name in Welsh"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Ysgol Gynradd Aber. The English name is the site's name."),
    )

    panels = [
        FieldPanel("languages"),
        FieldPanel("welsh_first"),
        FieldPanel("parity"),
        FieldPanel("welsh_name"),
    ]

    class Meta:
        verbose_name = _("school languages")
        verbose_name_plural = _("school languages")

    def clean(self) -> None:
        super().clean()
        if self.languages == self.Choice.WELSH_AND_ENGLISH and not self.welsh_name:
            raise ValidationError(
                {"welsh_name": _("Give the school's name in Welsh as well.")}
            )

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.languages == self.Choice.WELSH_AND_ENGLISH:
            # Wagtail's "Translate" action and the /cy/ addresses need the locale.
            Locale.objects.get_or_create(language_code=WELSH)


@dataclass(frozen=True)
class LanguagePlan:
    """What the website, the workflow and the social posts need to know."""

    codes: tuple[str, ...] = (ENGLISH,)  # in the school's order, first first
    parity: bool = False
    names: tuple[tuple[str, str], ...] = ()  # (language code, school name)

    @property
    def bilingual(self) -> bool:
        return len(self.codes) > 1

    def publishes(self, code: str) -> bool:
        return code in self.codes

    def school_name(self, code: str, *, default: str) -> str:
        return dict(self.names).get(code) or default

    def other_languages(self, code: str) -> tuple[str, ...]:
        return tuple(other for other in self.codes if other != code)


ENGLISH_ONLY = LanguagePlan()


def current_school(request: HttpRequest | None) -> Site | None:
    """The school (site) a request is for: the one place this app asks."""
    if request is None:
        return None
    return school_for_request(request)


def _plan_uncached(site_id: int) -> LanguagePlan:
    row = SchoolLanguages.objects.filter(site_id=site_id).first()
    if row is None or row.languages != SchoolLanguages.Choice.WELSH_AND_ENGLISH:
        return ENGLISH_ONLY
    codes = (WELSH, ENGLISH) if row.welsh_first else (ENGLISH, WELSH)
    english_name = Site.objects.filter(pk=site_id).values_list("site_name", flat=True)
    return LanguagePlan(
        codes=codes,
        parity=row.parity,
        names=((WELSH, row.welsh_name), (ENGLISH, english_name.first() or "")),
    )


def language_plan(
    site: Site | None, *, request: HttpRequest | None = None
) -> LanguagePlan:
    """The school's languages, read once per content generation and process."""
    if site is None:
        return ENGLISH_ONLY
    return _plans.get(site.pk, lambda: _plan_uncached(site.pk), request=request)


def language_plan_for_page(page) -> LanguagePlan:
    """The languages of the school a page belongs to (any locale's tree)."""
    site = page.get_site()
    return language_plan(site)


def active_language() -> str:
    """The language the current request is answered in: English unless /cy/."""
    return WELSH if translation.get_language() == WELSH else ENGLISH


def locale_code(locale_id: int) -> str:
    """A locale's language code without a query (read once per content generation).

    The API names each page's language; asking the database once per page made a
    listing of fifty pages fifty queries slower.
    """
    codes = _locale_codes.get(
        "all", lambda: dict(Locale.all_objects.values_list("id", "language_code"))
    )
    return codes.get(locale_id) or Locale.all_objects.get(pk=locale_id).language_code
