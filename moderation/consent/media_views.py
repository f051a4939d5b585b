"""The image and document admin views, with the live-media rules in front.

Wagtail's edit forms cannot see the session, so the edit views tell the form whether
this session's code is fresh (``live_media.py``: the consent officer loosens a live
item's tags only with step-up). The delete views refuse, with a message, to delete a
withdrawn item, kept so that it cannot come back (``deletion.py``). Registered at
Wagtail's own addresses, ahead of Wagtail's views.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path
from wagtail.documents.views import documents as document_views
from wagtail.images.views import images as image_views

from moderation.two_factor.step_up import is_step_up_fresh

from .deletion import media_deletion_refusal


class StepUpAwareFormMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["step_up_fresh"] = is_step_up_fresh(self.request)
        return kwargs


class KeptMediaDeleteMixin:
    edit_url_name = ""

    def form_valid(self, form):
        refusal = media_deletion_refusal(self.object)
        if refusal:
            messages.error(self.request, refusal)
            return redirect(self.edit_url_name, self.object.pk)
        return super().form_valid(form)


class ImageEditView(StepUpAwareFormMixin, image_views.EditView):
    pass


class ImageDeleteView(KeptMediaDeleteMixin, image_views.DeleteView):
    edit_url_name = "wagtailimages:edit"


class DocumentEditView(StepUpAwareFormMixin, document_views.EditView):
    pass


class DocumentDeleteView(KeptMediaDeleteMixin, document_views.DeleteView):
    edit_url_name = "wagtaildocs:edit"


def media_admin_urls() -> list:
    """The same addresses as Wagtail's views, matched first (see wagtail_hooks).

    Named ``consent_media:*``; ``cms.media_deletion`` guards these delete views too.
    """
    return [path("", include((_patterns(), "consent_media")))]


def _patterns() -> list:
    return [
        path("images/<int:image_id>/", ImageEditView.as_view(), name="image_edit"),
        path(
            "images/<int:image_id>/delete/",
            ImageDeleteView.as_view(),
            name="image_delete",
        ),
        path(
            "documents/edit/<int:document_id>/",
            DocumentEditView.as_view(),
            name="document_edit",
        ),
        path(
            "documents/delete/<int:document_id>/",
            DocumentDeleteView.as_view(),
            name="document_delete",
        ),
    ]
