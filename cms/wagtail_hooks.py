"""Wagtail hooks for content: media reach visitors only as public copies (issue 9);
checks Wagtail's own admin views leave to the browser; the school calendar (the
calendar-file import, "school has reopened", the out-of-hours warning); the
statutory-information checklist."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from schools.viewsets import SchoolScopedViewSetMixin

from .admin_input import admin_bad_request
from .admin_views import (
    TERM_DATE_PERMISSIONS,
    ImportTermDatesPreviewView,
    ImportTermDatesView,
    NoticeReopenedView,
    RescheduleToMonitoredHoursView,
    current_school,
)
from .media_removals import outstanding_removals
from .models import NoticePage, TermDate
from .out_of_hours import out_of_hours
from .preparation.panels import PreparationPanel
from .preparation.views import preparation_progress_view
from .public_media import public_document_url
from .staff_view import staff_view
from .statutory import admin_urls as statutory_admin_urls
from .statutory.dashboard import statutory_panel_for
from .term_dates_import import LOG_ACTIONS as TERM_DATES_LOG_ACTIONS


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


@hooks.register("register_admin_urls")
def register_term_dates_urls():
    return [
        path(
            "term-dates/import/",
            ImportTermDatesView.as_view(),
            name="cms_import_term_dates",
        ),
        path(
            "term-dates/import/<int:pk>/",
            ImportTermDatesPreviewView.as_view(),
            name="cms_import_term_dates_preview",
        ),
        path(
            "pages/<int:pk>/watched-hours/",
            RescheduleToMonitoredHoursView.as_view(),
            name="cms_reschedule_to_monitored_hours",
        ),
        path(
            "notices/<int:pk>/reopened/",
            NoticeReopenedView.as_view(),
            name="cms_notice_reopened",
        ),
    ]


@hooks.register("register_admin_urls")
def register_statutory_information_urls():
    return [path("statutory-information/", include(statutory_admin_urls))]


@hooks.register("register_admin_menu_item")
def register_statutory_information_menu_item():
    return PermittedMenuItem(
        _("Statutory information"),
        reverse("cms_statutory_checklist"),
        icon_name="list-ul",
        order=320,
        perms=("cms.view_statutoryrecord",),
    )


@hooks.register("construct_homepage_panels")
def statutory_information_panel(request, panels):
    panel = statutory_panel_for(request)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_page_header_buttons")
def reopened_button(page, user, view_name, next_url=None):
    """On a live closure or urgent notice: "School has reopened"."""
    specific = page.specific_deferred
    if (
        isinstance(specific, NoticePage)
        and specific.live
        and specific.shows_first
        and specific.may_reopen(user)
    ):
        yield Button(
            "School has reopened",
            reverse("cms_notice_reopened", args=[page.pk]),
            icon_name="tick",
            priority=5,
        )


class PermittedMenuItem(MenuItem):
    def __init__(self, *args, perms: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.perms = perms

    def is_shown(self, request):
        return request.user.has_perms(self.perms)


@hooks.register("register_admin_menu_item")
def register_import_term_dates_menu_item():
    return PermittedMenuItem(
        "Import term dates",
        reverse("cms_import_term_dates"),
        icon_name="date",
        order=310,
        perms=TERM_DATE_PERMISSIONS,
    )


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_when_going_live_out_of_hours(request, page):
    """Scheduled outside the monitoring hours or in a holiday: say so, offer a slot."""
    draft = page.get_latest_revision_as_object()
    warning = out_of_hours(draft.go_live_at, now=timezone.now())
    if warning is None:
        return
    when = timezone.localtime(warning.next_read)
    admin_messages.warning(
        request,
        warning.message,
        buttons=[
            admin_messages.button(
                reverse("cms_reschedule_to_monitored_hours", args=[page.pk]),
                f"Go live on {when:%A %d %B at %H:%M} instead",
            )
        ],
    )


@hooks.register("register_log_actions")
def register_term_dates_log_actions(actions):
    for action, (label, message) in TERM_DATES_LOG_ACTIONS.items():
        actions.register_action(action, label, message)


class TermDateViewSet(SchoolScopedViewSetMixin, SnippetViewSet):
    """Term dates in the admin, with the calendar each came from (an import from a
    calendar replaces only that calendar's dates; typed ones stay)."""

    model = TermDate
    icon = "date"
    list_display = [
        "title",
        "kind",
        "starts_on",
        "ends_on",
        Column("calendar_label", label="Calendar"),
    ]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return TermDate.objects.select_related("source")


register_snippet(TermDateViewSet)


@hooks.register("construct_homepage_panels")
def add_preparation_panel(request, panels):
    """Approved pages being prepared: "Preparing 50 photos… 12 ready", "Live"."""
    panel = PreparationPanel.for_request(request)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_admin_urls")
def register_preparation_progress_url():
    return [
        path(
            "preparations/<int:preparation_id>/progress/",
            preparation_progress_view,
            name="cms_preparation_progress",
        )
    ]


@hooks.register("insert_global_admin_js")
def preparation_progress_js():
    """Approved pages' progress, updated without a refresh (only where shown)."""
    return format_html(
        '<script src="{}" defer></script>', static("cms/js/preparation_progress.js")
    )


class MediaRemovalsPanel(Component):
    """Dashboard: withdrawn pictures the storage or the CDN has not yet let go of.

    The site stopped showing them at once; this says what is still being retried
    outside it, and why, until it is done (``cms.media_removals``).
    """

    name = "media_removals"
    order = 90
    template_name = "cms/admin/media_removals_panel.html"

    def __init__(self, *, removals):
        self.removals = removals

    def get_context_data(self, parent_context=None):
        return {"removals": self.removals}


def may_see_media_removals(user) -> bool:
    return user.is_superuser or user.has_perm("wagtailimages.change_image")


@hooks.register("construct_homepage_panels")
def add_media_removals_panel(request, panels):
    site = current_school(request)
    if site is None or not may_see_media_removals(request.user):
        return
    removals = outstanding_removals(site=site, unattributed=request.user.is_superuser)
    if removals:
        panels.append(MediaRemovalsPanel(removals=removals))
