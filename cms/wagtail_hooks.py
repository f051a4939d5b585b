"""Wagtail hooks for content: media reach visitors only as public copies (issue 9);
checks Wagtail's own admin views leave to the browser."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.utils.html import escape
from wagtail import hooks
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page

from .admin_input import admin_bad_request
from .public_media import public_document_url
from .staff_view import staff_view


class PublicDocumentLinkHandler(DocumentLinkHandler):
    """Document links in rich text point at the public copy, or nowhere.

    Wagtail's own handler links to ``/documents/<id>/<uploaded file name>``, which
    shows the file name and a sequential id; a document no live, public page made
    public keeps its link text but gets no link.
    """

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        links = []
        for document in cls.get_many(attrs_list):
            url = public_document_url(document)
            links.append(f'<a href="{escape(url)}">' if url else "<a>")
        return links


@hooks.register("register_rich_text_features", order=100)
def register_public_document_links(features):
    # After wagtail.documents' own registration (order 0), which this replaces.
    features.register_link_type(PublicDocumentLinkHandler)


@hooks.register("before_serve_document", order=100)
def serve_documents_only_through_public_pages(document, request):
    """``/documents/<id>/<name>``: staff get the file; visitors the public copy.

    Runs after Wagtail's own check, so a document in a login-only collection still
    sends a visitor to sign in.

    A visitor (or a signed-in user without the admin) is sent to the public copy
    when a live, public page links the document and its consent stands, and gets a
    404 otherwise: an untagged PDF that was never on a page is never served.
    """
    if staff_view(request):
        return None
    url = public_document_url(document)
    if url is None:
        raise Http404("No such document.")
    return HttpResponseRedirect(url)


@hooks.register("before_copy_page")
def refuse_copy_without_a_destination(request, page):
    """A copy POST must name an existing parent page (Wagtail reads it unchecked).

    Wagtail's copy view looks the parent up with ``Page.objects.get`` before its
    form validates, so a missing, non-numeric or unknown ``new_parent_page`` was a
    500; here it is a 400 that says so, and nothing is copied.
    """
    if request.method != "POST":
        return None
    raw = request.POST.get("new_parent_page", "").strip()
    if not raw:
        return admin_bad_request(request, "Choose where to copy the page to.")
    if (
        not raw.isascii()
        or not raw.isdigit()
        or not Page.objects.filter(pk=int(raw)).exists()
    ):
        return admin_bad_request(
            request,
            "The page chosen to copy into does not exist (it may have been deleted).",
        )
    return None
