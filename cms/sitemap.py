"""The sitemap: every live, public page of the school, in each language it publishes.

For a bilingual school each page names its other language with ``hreflang`` (Google's
``xhtml:link rel="alternate"``), so a search engine shows a Welsh reader the Welsh
page. An English-only school's sitemap is Wagtail's own, unchanged.
"""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from .languages import language_plan


class SchoolSitemap(Sitemap):
    """Wagtail's sitemap, across the school's languages, with their alternates."""

    def items(self):
        site = self.get_wagtail_site()
        plan = language_plan(site, request=self.request)
        self.bilingual = plan.bilingual
        if not plan.bilingual:
            return super().items()
        roots = site.root_page.get_translations(inclusive=True).filter(
            locale__language_code__in=plan.codes
        )
        within = Page.objects.none()
        for root in roots:
            within |= Page.objects.descendant_of(root, inclusive=True)
        return (
            within.live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .select_related("locale")
            .specific()
        )

    bilingual = False

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)  # items() runs first
        if not self.bilingual:
            return super()._urls(page, protocol, domain)
        urls = []
        last_mods = set()
        locations = {item.pk: item.get_sitemap_urls(self.request) for item in pages}
        by_key = defaultdict(list)
        for item in pages:
            for url_info in locations[item.pk]:
                by_key[item.translation_key].append(
                    {
                        "location": url_info["location"],
                        "lang_code": item.locale.language_code,
                    }
                )
        for item in pages:
            alternates = by_key[item.translation_key]
            for url_info in locations[item.pk]:
                if len(alternates) > 1:
                    url_info = {**url_info, "alternates": alternates}
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def sitemap(request: HttpRequest, **kwargs) -> HttpResponse:
    """``/sitemap.xml``: the school's pages in every language it publishes."""
    return wagtail_sitemap(request, sitemaps={"wagtail": SchoolSitemap}, **kwargs)
