"""Consent in the Wagtail admin: clear refusals, audit-log actions, safe serving."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotFound
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.log_actions import log

from .audit import LOOSENED, MATCHED, PUBLISH_REFUSED, UNSCHEDULED, WITHDRAWN
from .deletion import media_deletion_refusal
from .panels import ConsentShortcutsPanel
from .rules import Channel, page_violations


def _refusal_message(page, violations):
    return format_html(
        "“{}” was saved as a draft but not published, because of the consent "
        "rules:<ul>{}</ul>",
        page.get_admin_display_title(),
        format_html_join("", "<li>{}</li>", ((v.message,) for v in violations)),
    )


@hooks.register("before_publish_page")
def refuse_publish_with_message(request, page):
    """The editor sees every violation and what to do, and keeps their draft."""
    violations = page_violations(page, channel=Channel.website(), viewer=request.user)
    if violations:
        _log_refusal(page, violations, user=request.user)
        messages.error(request, _refusal_message(page, violations))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def _log_refusal(page, violations, *, user) -> None:
    log(
        instance=page,
        action=PUBLISH_REFUSED,
        user=user,
        data={"violations": [violation.message for violation in violations]},
    )


@hooks.register("before_bulk_action")
def refuse_bulk_publish_with_message(request, action_type, objects, action_class):
    """Bulk publish goes ahead only if every chosen page passes (C1-C4)."""
    if action_type != "publish" or getattr(action_class, "models", None) is None:
        return None
    refused = []
    for page in objects:
        if not hasattr(page, "get_latest_revision_as_object"):
            return None  # not a page bulk action
        draft = page.get_latest_revision_as_object()
        violations = page_violations(
            draft, channel=Channel.website(), viewer=request.user
        )
        if violations:
            _log_refusal(draft, violations, user=request.user)
            refused.append(_refusal_message(draft, violations))
    if not refused:
        return None
    for message in refused:
        messages.error(request, message)
    return redirect(request.GET.get("next") or "wagtailadmin_explore_root")


@hooks.register("register_admin_urls", order=-1)
def register_live_media_views():
    """Ahead of Wagtail's image and document views at the same addresses."""
    from .media_views import media_admin_urls

    return media_admin_urls()


@hooks.register("before_bulk_action")
def refuse_bulk_delete_of_kept_media(request, action_type, objects, action_class):
    """Bulk delete goes ahead only if no chosen item must be kept (``deletion.py``)."""
    if action_type != "delete":
        return None
    refusals = [
        refusal
        for item in objects
        if hasattr(item, "first_posted_at")
        and (refusal := media_deletion_refusal(item))
    ]
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    return redirect(request.GET.get("next") or "wagtailadmin_home")


@hooks.register("register_log_actions")
def register_consent_log_actions(actions):
    actions.register_action(
        PUBLISH_REFUSED,
        "Publication refused (consent)",
        "Publication refused by the consent rules",
    )
    actions.register_action(
        UNSCHEDULED,
        "Unscheduled (consent)",
        "Taken off the publishing schedule: the consent rules would refuse it",
    )
    actions.register_action(
        LOOSENED,
        "Tags loosened by the consent officer",
        "The consent officer replaced the file, removed a learner or declared no "
        "identifiable learners on an item that was live, posted or a copy",
    )
    actions.register_action(
        MATCHED,
        "Recognised as a copy",
        "Recognised as a copy of an earlier tagged or withdrawn picture: given its "
        "learners and withdrawal",
    )
    actions.register_action(
        WITHDRAWN,
        "Withdrawn (consent)",
        "Withdrawn from publication: consent ended for someone pictured",
    )


@hooks.register("before_serve_document")
def refuse_withdrawn_document(document, request):
    """A withdrawn document is never served again, even from an old link (C1)."""
    if getattr(document, "is_withdrawn", False):
        return HttpResponseNotFound("This document is no longer available.")
    return None


class ConsentAwareImageEmbedHandler(ImageEmbedHandler):
    """Images embedded in rich text render nothing once withdrawn (C1, C2)."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        images = cls.get_many(attrs_list)
        shown = [
            index
            for index, image in enumerate(images)
            if image is None or not image.is_withdrawn
        ]
        rendered = super().expand_db_attributes_many([attrs_list[i] for i in shown])
        tags = [""] * len(attrs_list)
        for index, tag in zip(shown, rendered, strict=True):
            tags[index] = tag
        return tags


@hooks.register("register_rich_text_features", order=100)
def register_consent_aware_image_embeds(features):
    # After wagtail.images registers its own handler, so ours replaces it.
    features.register_embed_type(ConsentAwareImageEmbedHandler)


@hooks.register("register_admin_viewset")
def register_consent_register():
    from .views import LearnerViewSet

    return LearnerViewSet()


@hooks.register("construct_image_chooser_queryset")
def hide_withdrawn_images_from_the_chooser(images, request):
    """Editors are not offered an image that can never be published again (C1)."""
    return images.filter(consent_withdrawn_at__isnull=True)


@hooks.register("construct_document_chooser_queryset")
def hide_withdrawn_documents_from_the_chooser(documents, request):
    return documents.filter(consent_withdrawn_at__isnull=True)


@hooks.register("construct_homepage_panels")
def add_consent_shortcuts_panel(request, panels):
    panels.append(ConsentShortcutsPanel(request.user))
