"""Does a statutory record's link still reach the public?

A page counts when it is live, public (no password or sign-in), not expired, and on
this school's own website; a document when it has a public copy, which it has only
while a live public page uses it (``cms.public_media``): a document no published
page links to cannot be opened by parents. Items that must be "readily accessible"
need a web page, not only a document.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from cms.public_media import public_document_url


def _page_problem(page, *, site) -> str:
    if not page.live:
        return _("The linked page “%s” is not published") % page.title
    if page.expired:
        return _("The linked page “%s” has expired") % page.title
    if not page.is_descendant_of(site.root_page) and page.pk != site.root_page_id:
        return _("The linked page “%s” is on another school's website") % page.title
    if page.get_view_restrictions().exists():
        return _("The linked page “%s” is only open to signed-in users") % page.title
    return ""


def link_problem(record) -> str:
    """What stops parents reaching ``record``'s link; "" when nothing does."""
    requirement = record.requirement
    if record.linked == record.LINK_PAGE and record.page_id is None:
        return _("The linked page was deleted")
    if record.linked == record.LINK_DOCUMENT and record.document_id is None:
        return _("The linked document was deleted")
    if record.page_id:
        return _page_problem(record.page.specific_deferred, site=record.site)
    if record.document_id:
        if requirement.web_page_required:
            return _(
                "This must be on a web page that parents can read, not only in a "
                "document"
            )
        if public_document_url(record.document) is None:
            return (
                _(
                    "The document “%s” is not on any published page, so parents cannot "
                    "open it"
                )
                % record.document.title
            )
    return ""


def public_url(record, *, request=None) -> str | None:
    """Where parents find the item, or None while its link does not reach them."""
    if link_problem(record):
        return None
    if record.page_id:
        url = record.page.get_url(request=request)
        if url and record.section:
            url = f"{url}#{record.section}"
        return url
    if record.document_id:
        return public_document_url(record.document)
    return None


def links_check(records) -> list:
    """Check and store each record's link; return the records newly broken."""
    newly_broken = []
    now = timezone.now()
    for record in records:
        problem = link_problem(record)
        if problem and not record.link_problem:
            newly_broken.append(record)
        record.link_problem = problem
        record.link_checked_at = now
        record.save(update_fields=["link_problem", "link_checked_at"])
    return newly_broken
