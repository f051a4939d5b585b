"""`{% site_chrome as chrome %}`: the header, pinned band and footer data for a page."""

from django import template
from django.conf import settings

from home.selectors import SiteChrome, site_chrome

register = template.Library()


@register.simple_tag(takes_context=True, name="site_chrome")
def site_chrome_tag(context: template.Context) -> SiteChrome:
    return site_chrome(
        request=context.get("request"), default_name=settings.WAGTAIL_SITE_NAME
    )
