"""Admin routes to publication that skip the workflow, closed (P1).

Approvers have Wagtail's publish permission (they need it to unpublish and to see
scheduled pages), but nobody publishes straight from the editor, a bulk action or a
copy: every page goes live through approval by someone who did not write it.
"""

import logging

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.models import Page

logger = logging.getLogger(__name__)

REFUSAL = (
    "Pages go live only through approval by a second member of staff. "
    "Your changes are saved as a draft: use 'Submit for moderation'."
)


def refuse_direct_publish(request, page):
    """``before_publish_page``: the draft is already saved; it is not published."""
    logger.warning(
        "Refused direct publish of page %s by user %s",
        page.pk,
        request.user.pk,
        extra={"event": "workflow.direct_publish_refused", "page_id": page.pk},
    )
    messages.error(request, REFUSAL)
    if page.pk:
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect("wagtailadmin_explore_root")


def refuse_bulk_publish(request, action_type, objects, action):
    """``before_bulk_action``: refuse publishing pages in bulk."""
    if action_type != "publish" or not any(
        issubclass(model, Page) for model in action.models
    ):
        return None
    logger.warning(
        "Refused bulk publish by user %s",
        request.user.pk,
        extra={"event": "workflow.direct_publish_refused"},
    )
    messages.error(request, REFUSAL)
    return redirect("wagtailadmin_explore_root")


def refuse_copy_published(request, page):
    """``before_copy_page``: copies are drafts, never published copies."""
    if request.method != "POST" or not request.POST.get("publish_copies"):
        return None
    messages.error(
        request,
        "Copies cannot be published straight away: copy without 'Publish copies' "
        "and submit the copy for moderation.",
    )
    return redirect("wagtailadmin_pages:copy", page.pk)
