"""URL map: the staff admin, the headless API, feeds, and the public site (last)."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import feeds as cms_feeds
from cms import public_copy_gate, spreadsheet_exports
from cms import views as cms_views
from cms.api import api_router
from cms.caching.query_parameters import SITEMAP_PAGE, reads_query
from cms.sitemap import sitemap
from home import views as home_views
from moderation.staff_roles.approval_steps import workflow_urlpatterns
from publishing.inbox.webhooks import facebook_webhook

urlpatterns = [
    path("admin/rq/", include("django_rq.urls")),
    # django-rq's dashboard pages link to Django's admin; it sits behind the same
    # two-factor gate as everything under /admin/ and is open to superusers only.
    path("admin/django/", admin.site.urls),
    # Private originals and renditions, for staff (issue 9); before Wagtail's admin.
    path("admin/media/<path:name>", cms_views.private_media, name="cms_private_media"),
    # Wagtail's report and redirect listings with formula-safe CSV exports, at
    # Wagtail's own addresses; before Wagtail's admin so they answer first.
    path("admin/", include(spreadsheet_exports.wagtail_export_urlpatterns())),
    # Wagtail's workflow screens: a change of who approves is audited, needs a fresh
    # code and tells the DSL and head; at Wagtail's own addresses, answering first.
    path("admin/", include(workflow_urlpatterns())),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Facebook's Page webhook (comments to the social inbox): signed by Meta.
    path("webhooks/facebook/", facebook_webhook, name="facebook_webhook"),
    path("api/v2/", api_router.urls),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", reads_query(SITEMAP_PAGE)(sitemap), name="sitemap"),
]

if settings.MEDIA_STORAGE == "s3":
    # Public copies in a bucket: every request is checked (cms/public_copy_gate.py).
    urlpatterns += [
        path(
            f"{urlsplit(settings.PUBLIC_MEDIA_URL).path.strip('/')}/<path:name>",
            public_copy_gate.public_copy,
            name="cms_public_copy",
        )
    ]
elif settings.DEBUG or getattr(settings, "SERVE_MEDIA_FROM_DJANGO", False):
    from django.views.static import serve

    # `make run` only (settings/dev.py): the public copies, as nginx serves them in
    # production; never MEDIA_ROOT (private originals go through the admin).
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.PUBLIC_MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.PUBLIC_MEDIA_ROOT},
        )
    ]

# The public site: English at the addresses it always had, Welsh under /cy/ for a
# school that publishes in Welsh (cms.language_middleware decides the language).
urlpatterns += i18n_patterns(
    path("search/", cms_views.search, name="search"),
    path("term-dates/", cms_views.term_dates, name="term_dates"),
    path("trust-notices/<int:notice_id>/", cms_views.trust_notice, name="trust_notice"),
    path("feeds/news.xml", cms_feeds.NewsFeed(), name="news_feed"),
    path("feeds/term-dates.ics", cms_feeds.term_dates_ical, name="term_dates_ical"),
    path("updates/", include("alerts.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
