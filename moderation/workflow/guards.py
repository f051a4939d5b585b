"""Admin routes to publication that skip the workflow, closed (P1).

Approvers have Wagtail's publish permission (they need it to unpublish and to see
scheduled pages), but nobody publishes straight from the editor, a bulk action, a copy,
an alias or the admin API: every page goes live through approval by someone who did
not write it.
"""

import logging

from django.contrib import messages
from django.shortcuts import redirect
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from wagtail.admin.api.actions.base import APIAction
from wagtail.admin.api.actions.copy import CopyPageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.models import Page

from moderation.workflow import consent_check

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


ALIAS_REFUSAL = (
    "An alias of a page is live wherever the page is, without anyone checking it. "
    "Copy the page instead (without 'Alias') and submit the copy for moderation."
)


def refuse_copy_published(request, page):
    """``before_copy_page``: copies are drafts, never published copies or aliases.

    An alias shows the live content of its page at a new address at once: a
    publication with no second person (P1), so it is refused like "publish copies".
    """
    if request.method != "POST":
        return None
    if request.POST.get("alias"):
        logger.warning(
            "Refused an alias of page %s by user %s",
            page.pk,
            request.user.pk,
            extra={"event": "workflow.alias_refused", "page_id": page.pk},
        )
        messages.error(request, ALIAS_REFUSAL)
        return redirect("wagtailadmin_pages:copy", page.pk)
    if not request.POST.get("publish_copies"):
        return None
    messages.error(
        request,
        "Copies cannot be published straight away: copy without 'Publish copies' "
        "and submit the copy for moderation.",
    )
    return redirect("wagtailadmin_pages:copy", page.pk)


class RefusedPublishAPIAction(APIAction):
    """The admin API's "publish" action, answered with the same refusal (403).

    The consent problems, if any, are listed too, so the caller learns at once
    everything that stands between the draft and publication.
    """

    serializer = Serializer

    def execute(self, instance, data):
        logger.warning(
            "Refused admin API publish of page %s by user %s",
            instance.pk,
            self.request.user.pk,
            extra={"event": "workflow.direct_publish_refused", "page_id": instance.pk},
        )
        draft = instance.specific.get_latest_revision_as_object()
        detail = " ".join([REFUSAL, *consent_check.page_problems(draft)])
        return Response({"detail": detail}, status=status.HTTP_403_FORBIDDEN)


class DraftCopyPageAPIAction(CopyPageAPIAction):
    """The admin API's "copy", refused when it would keep the copies live."""

    def execute(self, instance, data):
        if data.get("keep_live"):
            return Response(
                {
                    "message": "Copies cannot be published straight away: copy with "
                    "keep_live false and submit the copy for moderation."
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        return super().execute(instance, data)


class RefusedAliasAPIAction(APIAction):
    """The admin API's "create_alias", refused (403): an alias is live at once."""

    serializer = Serializer

    def execute(self, instance, data):
        logger.warning(
            "Refused admin API alias of page %s by user %s",
            instance.pk,
            self.request.user.pk,
            extra={"event": "workflow.alias_refused", "page_id": instance.pk},
        )
        return Response({"message": ALIAS_REFUSAL}, status=status.HTTP_403_FORBIDDEN)


class WorkflowOnlyPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """Wagtail's admin pages API without its routes around the workflow."""

    actions = {
        **PagesAdminAPIViewSet.actions,
        "publish": RefusedPublishAPIAction,
        "copy": DraftCopyPageAPIAction,
        "create_alias": RefusedAliasAPIAction,
    }
