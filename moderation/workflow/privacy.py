"""Making a live, private page public is publishing it: refused, as Publish is (P1).

A page restricted to signed-in staff (or some groups) that is live is not public;
setting its privacy to "Public" (or to a shared password) in Wagtail's privacy
dialog put it, and every live page below it, in front of the world at once, with no
second person and no fresh code. Rather than a second approval route for privacy,
the one that exists is used: unpublish the page (which needs a fresh code), make it
public, then submit it for moderation, where someone else approves it. Narrowing
privacy (public to staff-only) stays open to editors, and a page that is not live
may have its privacy widened freely (nothing is shown until it is approved).

Wagtail's privacy view has no hook, so this middleware answers its POST.
"""

import logging

from django.http import HttpRequest
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.models import Page, PageViewRestriction

logger = logging.getLogger(__name__)

PRIVACY_VIEW = "wagtailadmin_pages:set_privacy"
#: Restrictions that keep a page to the school's own staff.
STAFF_ONLY = frozenset({PageViewRestriction.LOGIN, PageViewRestriction.GROUPS})
#: Choices that open a page beyond staff.
WIDER = frozenset({PageViewRestriction.NONE, PageViewRestriction.PASSWORD})


def privacy_widening_of_live_page(request: HttpRequest, page: Page) -> bool:
    """True when this POST would open a live staff-only page (or its live subpages)."""
    if request.POST.get("restriction_type") not in WIDER:
        return False
    own = page.view_restrictions.first()
    if own is None or own.restriction_type not in STAFF_ONLY:
        return False
    return Page.objects.descendant_of(page, inclusive=True).live().exists()


class PrivacyWideningGuardMiddleware:
    """Refuse, in the privacy dialog, to make a live staff-only page public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name != PRIVACY_VIEW:
            return None
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            return None
        page = Page.objects.filter(pk=view_kwargs.get("page_id")).first()
        if page is None or not privacy_widening_of_live_page(request, page):
            return None
        logger.warning(
            "Refused making live page %s public by user %s",
            page.pk,
            request.user.pk,
            extra={"event": "workflow.privacy_widening_refused", "page_id": page.pk},
        )
        return render_modal_workflow(
            request,
            "moderation/workflow/privacy_refused.html",
            None,
            {"page": page},
            json_data={"step": "privacy_refused", "refused": True},
        )
