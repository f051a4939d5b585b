"""Each school's settings screens, for that school's staff only.

Wagtail's site settings (``BaseSiteSetting``: monitoring hours, holiday notices,
languages, statutory information …) are opened at
``/admin/settings/<app>/<model>/<site id>/``. Wagtail lets anyone holding the
role's global "change" permission open and save them for *every* site, and lists
every site in the settings screen's site switcher. A school's settings are its
staff's alone: ``SchoolSettingPermissionPolicy`` keeps Wagtail's checks and adds
that the site is one of the person's schools (``schools.current.schools_for_user``),
so another school's typed URL answers 403 and the switcher lists only their schools.
"""

from __future__ import annotations

from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry
from wagtail.models import Site
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import register_permission_policy

from .current import schools_for_user


class SchoolSettingPermissionPolicy(SitePermissionPolicy):
    """Wagtail's site-settings policy, narrowed to the person's own schools."""

    def sites_user_has_any_permission_for(self, user, actions):
        sites = super().sites_user_has_any_permission_for(user, actions)
        return sites.filter(pk__in=schools_for_user(user).values("pk"))

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, actions) and (
            self.sites_user_has_any_permission_for(user, actions).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        site_id = (
            instance.pk
            if isinstance(instance, Site)
            else getattr(instance, self.site_fk_field_name)
        )
        return (
            super().user_has_any_permission_for_instance(user, actions, instance)
            and schools_for_user(user).filter(pk=site_id).exists()
        )


def school_settings_policies_register() -> None:
    """Give every registered site setting the school policy (at start-up).

    Every setting model is registered (``register_setting``) when the models load,
    before any app's ``ready``; a setting added later gets the policy with no change.
    """
    for model in registry:
        if issubclass(model, BaseSiteSetting):
            register_permission_policy(model, SchoolSettingPermissionPolicy(model))
