"""Only holders of the delete permission delete images and documents (least privilege).

Wagtail's collection permission policy treats "delete" as "change", and lets anyone
who may add media change (so delete) their own uploads: the ``delete_image`` and
``delete_document`` permissions are never consulted. At a school, deleting a photo
is not the way to take it down (the consent register withdraws it and keeps the
record), so deleting is kept to those explicitly granted it (the site
administrator). This middleware checks those permissions on the delete views and
the bulk delete action, where Wagtail offers no hook.
"""

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

logger = logging.getLogger(__name__)

#: Wagtail's delete views and the permission each needs.
DELETE_VIEWS = {
    "wagtailimages:delete": ("wagtailimages.delete_image", "wagtailimages:index"),
    "wagtaildocs:delete": ("wagtaildocs.delete_document", "wagtaildocs:index"),
    # The same views at the same addresses, with the consent rules in front
    # (moderation/consent/media_views.py).
    "consent_media:image_delete": ("wagtailimages.delete_image", "wagtailimages:index"),
    "consent_media:document_delete": (
        "wagtaildocs.delete_document",
        "wagtaildocs:index",
    ),
}
#: The image and document models' names in bulk-action URLs.
BULK_MODELS = {
    "schoolimage": ("wagtailimages.delete_image", "wagtailimages:index"),
    "schooldocument": ("wagtaildocs.delete_document", "wagtaildocs:index"),
}
REFUSAL = (
    "Images and documents are not deleted here. To take a picture of a learner "
    "down, record the change in the consent register; otherwise ask the site "
    "administrator."
)


def _required(request: HttpRequest) -> tuple[str, str] | None:
    match = request.resolver_match
    if match is None:
        return None
    if match.view_name in DELETE_VIEWS:
        return DELETE_VIEWS[match.view_name]
    if match.url_name == "wagtail_bulk_action" and match.kwargs.get("action") == (
        "delete"
    ):
        return BULK_MODELS.get(match.kwargs.get("model_name", ""))
    return None


class MediaDeletionGuardMiddleware:
    """Refuse the image and document delete views to staff without the right."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        required = _required(request)
        if required is None:
            return None
        permission, back = required
        if user.has_perm(permission):
            return None
        logger.warning(
            "Refused %s to user %s",
            request.resolver_match.view_name,
            user.pk,
            extra={"event": "cms.media_delete_refused", "user_id": user.pk},
        )
        messages.error(request, REFUSAL)
        return HttpResponseRedirect(reverse(back))
