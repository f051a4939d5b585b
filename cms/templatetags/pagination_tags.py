"""`{% for number in page_obj|page_links %}`: a window of page links, not all of them.

With 2,000 news posts a list of every page number is 200 links (and 18 KB) before the
first story; parents need the first and last pages and the ones around where they are.
"""

from django import template
from django.core.paginator import Page

register = template.Library()

LINKS_EACH_SIDE = 2
LINKS_AT_ENDS = 1


@register.filter
def page_links(page: Page) -> list:
    """Page numbers around ``page``, with the paginator's ellipsis for the gaps."""
    return list(
        page.paginator.get_elided_page_range(
            page.number, on_each_side=LINKS_EACH_SIDE, on_ends=LINKS_AT_ENDS
        )
    )
