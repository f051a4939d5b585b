"""Admin wiring for two-factor sign-in: URLs, menu items and audit-log actions."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import audit, urls
from .permissions import is_senior_leader


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [path("two-factor/", include(urls, namespace="two_factor"))]


@hooks.register("register_log_actions")
def register_two_factor_log_actions(actions):
    for action, (label, message) in audit.ACTIONS.items():
        actions.register_action(action, label, message)


class SeniorLeadershipMenuItem(MenuItem):
    def is_shown(self, request):
        return is_senior_leader(request.user)


@hooks.register("register_account_menu_item")
def register_devices_account_item(request):
    return {
        "url": reverse("two_factor:devices"),
        "label": "Two-factor sign-in",
        "help_text": "Your authenticator app and backup codes.",
    }


@hooks.register("register_reports_menu_item")
def register_sign_in_log_menu_item():
    return SeniorLeadershipMenuItem(
        "Sign-in log", reverse("two_factor:report"), icon_name="lock", order=900
    )


@hooks.register("register_settings_menu_item")
def register_staff_two_factor_menu_item():
    return SeniorLeadershipMenuItem(
        "Staff two-factor", reverse("two_factor:staff"), icon_name="key", order=900
    )


@hooks.register("before_serve_page")
def require_second_factor_for_private_pages(page, request, serve_args, serve_kwargs):
    """A private page is staff-only: a password-only session must give its code."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if not page.get_view_restrictions().exists():
        return None
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('two_factor:verify')}?{query}")
