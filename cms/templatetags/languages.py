"""`{% language_versions as versions %}`: this page in each of the school's languages.

The language switcher and the ``hreflang`` links in the head both use it. A parent who
switches stays on the same item (the page's live translation), not the home page. For
an English-only school it is an empty list, worked out without a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import translate_url
from wagtail.models import Page

from cms.languages import LANGUAGE_NAMES, active_language, current_school, language_plan

register = template.Library()


@dataclass(frozen=True)
class LanguageVersion:
    """One language's version of what the reader is looking at."""

    code: str
    name: str
    url: str
    current: bool


def _page_urls(page: Page, request) -> dict[str, str]:
    translations = (
        page.get_translations(inclusive=True).live().public().select_related("locale")
    )
    return {
        translation.locale.language_code: translation.get_url(request)
        for translation in translations
    }


@register.simple_tag(takes_context=True)
def language_versions(context: template.Context) -> list[LanguageVersion]:
    request = context.get("request")
    plan = language_plan(current_school(request), request=request)
    if not plan.bilingual or request is None:
        return []
    current = active_language()
    page = context.get("page")
    if isinstance(page, Page) and page.pk:
        urls = _page_urls(page, request)
        # Only the languages this page is live in: no link to a page not there.
        urls.setdefault(current, request.get_full_path())
    else:
        here = request.get_full_path()
        urls = {code: translate_url(here, code) for code in plan.codes}
        for code in plan.codes:
            if code != current and urls[code] == here:
                # An address with no version in that language (a 404): its home.
                urls[code] = translate_url("/", code)
    return [
        LanguageVersion(
            code=code,
            name=LANGUAGE_NAMES[code],
            url=urls[code],
            current=code == current,
        )
        for code in plan.codes
        if urls.get(code)
    ]
