"""Which admin requests need a session signed in with a second factor, and which
publishing actions need a fresh one (step-up).

Both are decided from the URL (one middleware, no per-view decorators), so admin
views added later by other apps, django-rq's dashboard and Wagtail's own views are
covered without being listed one by one.
"""

from django.http import HttpRequest
from django.urls import Resolver404, resolve

#: Paths where a signed-in session must have passed its second factor.
GATED_PREFIXES = ("/admin/", "/documents/")
#: Of those, where an anonymous visitor is sent to sign in (documents may be public;
#: Wagtail's own collection privacy decides for anonymous visitors there).
SIGN_IN_PREFIXES = ("/admin/",)

#: Of those, the job-queue dashboard (django-rq), for staff accounts only: django-rq
#: would otherwise send anyone else to Django's own admin login, which is not mounted.
STAFF_ONLY_PREFIXES = ("/admin/rq/",)

#: Admin URL names reachable before the second factor (signing in and out,
#: password reset, enrolment and the code page itself).
OPEN_URL_NAMES = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "two_factor:verify",
        "two_factor:enrol",
    }
)

#: View names (last part) that publish, unpublish or decide a workflow task, or act
#: on a social post (send again, mark it sent or not on the network).
PUBLISHING_VIEWS = frozenset(
    {"workflow_action", "unpublish", "publishing_delivery_action"}
)
#: Editor views whose POST publishes or decides a task when one of these is pressed.
EDITOR_VIEWS = frozenset({"edit", "add", "create", "revisions_revert"})
EDITOR_PUBLISHING_BUTTONS = ("action-publish", "action-workflow-action")
BULK_PUBLISHING_ACTIONS = frozenset({"publish", "unpublish"})

#: Staff and role management (Wagtail's users and groups): every change there can
#: hand out the right to publish, so it needs a fresh code like publishing.
STAFF_MANAGEMENT_NAMESPACES = ("wagtailusers_users", "wagtailusers_groups")
STAFF_MANAGEMENT_BULK_MODELS = frozenset({"user", "group"})
#: Social-account governance: approving or rejecting an account, pasting its
#: network credentials, connecting it (A1, A3).
ACCOUNT_GOVERNANCE_VIEWS = frozenset(
    {
        "publishing_account_decide",
        "publishing_account_credentials",
        "publishing_connect_start",
    }
)

#: The school calendar: the term dates (typed in, edited, deleted or imported), the
#: monitoring hours and the holiday-notice template decide when the school tells
#: families it is closed and when its accounts are watched (M1, M2).
CALENDAR_NAMESPACES = ("wagtailsnippets_cms_termdate",)
CALENDAR_VIEWS = frozenset({"cms_import_term_dates_preview"})
CALENDAR_BULK_MODELS = frozenset({("cms", "termdate")})
CALENDAR_SETTINGS = frozenset(
    {("cms", "monitoringhours"), ("cms", "holidaynoticesettings")}
)
#: Whether pupils' photos go in emails to families: an email cannot be recalled.
PHOTO_SETTINGS = frozenset({("alerts", "alertsettings")})


def _view_name(request: HttpRequest) -> tuple[str, dict]:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "", {}
    return match.view_name, match.kwargs


def is_gated(request: HttpRequest) -> bool:
    """True for paths that need a verified second factor from a signed-in user."""
    if not request.path_info.startswith(GATED_PREFIXES):
        return False
    return _view_name(request)[0] not in OPEN_URL_NAMES


def needs_sign_in(request: HttpRequest) -> bool:
    """True for gated paths an anonymous visitor may not see at all."""
    return request.path_info.startswith(SIGN_IN_PREFIXES)


def is_staff_only(request: HttpRequest) -> bool:
    """True for the job-queue dashboard, which only ``is_staff`` accounts may see."""
    return request.path_info.startswith(STAFF_ONLY_PREFIXES)


def is_publishing_action(request: HttpRequest) -> bool:
    """True when this request publishes, unpublishes, approves or rejects.

    Covers the page and snippet editors' Publish and workflow buttons (also when
    reached from a revision's "revert"), the workflow action endpoints used from the
    dashboard, unpublish, bulk publish/unpublish, and copying a page with "publish
    copies" ticked. Only POSTs change anything;
    the GETs show a confirmation first.
    """
    if request.method != "POST":
        return False
    view_name, kwargs = _view_name(request)
    last = view_name.rsplit(":", 1)[-1]
    if last in PUBLISHING_VIEWS:
        return True
    if last == "wagtail_bulk_action":
        return kwargs.get("action") in BULK_PUBLISHING_ACTIONS
    if last in EDITOR_VIEWS:
        return any(button in request.POST for button in EDITOR_PUBLISHING_BUTTONS)
    if last == "copy":
        return bool(request.POST.get("publish_copies"))
    return False


def is_sensitive_action(request: HttpRequest) -> bool:
    """True when this POST manages staff, roles, social accounts or the calendar.

    Adding, editing or deleting users and groups (one by one or in bulk), approving
    or rejecting a social account, pasting or starting its network credentials;
    adding, editing, deleting or importing term dates, and changing the monitoring
    hours or the holiday-notice template; turning photos in emails on or off.
    """
    if request.method != "POST":
        return False
    view_name, kwargs = _view_name(request)
    namespace, _, last = view_name.rpartition(":")
    if namespace in STAFF_MANAGEMENT_NAMESPACES + CALENDAR_NAMESPACES:
        return True
    if last == "wagtail_bulk_action":
        return kwargs.get("model_name") in STAFF_MANAGEMENT_BULK_MODELS or (
            (kwargs.get("app_label"), kwargs.get("model_name")) in CALENDAR_BULK_MODELS
        )
    if view_name == "wagtailsettings:edit":
        setting = (kwargs.get("app_name"), kwargs.get("model_name"))
        return setting in CALENDAR_SETTINGS | PHOTO_SETTINGS
    return last in ACCOUNT_GOVERNANCE_VIEWS or last in CALENDAR_VIEWS


def needs_fresh_code(request: HttpRequest) -> bool:
    """True for every POST that must follow a recent code (step-up)."""
    return is_publishing_action(request) or is_sensitive_action(request)
