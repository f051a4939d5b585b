"""Admin hooks for content: checks Wagtail's own views leave to the browser."""

from wagtail import hooks
from wagtail.models import Page

from .admin_input import admin_bad_request


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
