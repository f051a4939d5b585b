"""A trust and its schools, and who works in which school in which role.

A school is a Wagtail ``Site``; a trust (a multi-academy trust or a local authority)
runs several. What a role may do is the role's global group (its model permissions,
``moderation.roles``); *where* it may do it is the school's own group for that role
(``SchoolRoleGroup``), which holds Wagtail's page permissions on the school's root
page and collection permissions on the school's collection. Staff are members of the
school groups of the schools they work in, so Wagtail's own permission checks keep
each school's pages, images and documents to that school's staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trust(models.Model):
    """The body that runs the installation for its schools (trust, local authority)."""

    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trust")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """A Wagtail site as a school: its trust and its images and documents collection."""

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="school"
    )
    trust = models.ForeignKey(
        Trust,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.PROTECT,
        related_name="school",
        help_text="Where this school's images and documents live.",
    )

    class Meta:
        verbose_name = _("school")

    def __str__(self) -> str:
        return self.site.site_name or self.site.hostname


class SchoolRole(models.Model):
    """What a role may do *within* a school: the part every school's group gets.

    ``role`` names the role's global group (``moderation.roles``), which keeps the
    model permissions. The page and collection permissions are kept here, not on any
    one school's group, so a new school, or a school group deleted by mistake, gets
    them again (``schools.services.school_groups_ensure``).
    """

    role = models.CharField(max_length=150, unique=True)
    page_permissions = models.ManyToManyField(
        "auth.Permission",
        blank=True,
        related_name="+",
        help_text="Granted on the school's root page (add, change, publish …).",
    )
    collection_permissions = models.ManyToManyField(
        "auth.Permission",
        blank=True,
        related_name="+",
        help_text="Granted on the school's collection (images and documents).",
    )

    class Meta:
        ordering = ["role"]

    def __str__(self) -> str:
        return self.role


class SchoolRoleGroup(models.Model):
    """The group that gives one role its place in one school (page tree, collection)."""

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="role_groups"
    )
    role = models.CharField(max_length=150, help_text="The role's global group name.")
    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="school_role"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "role"], name="one_group_per_role")
        ]

    def __str__(self) -> str:
        return self.group.name


class SchoolMembership(models.Model):
    """A member of staff works at ``site`` in ``role``: the record the groups follow.

    Kept apart from the group memberships so that a school group deleted by mistake
    is made again, with its members, the next time anyone is added
    (``schools.services.membership_add``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="school_memberships",
    )
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "site", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role} at {self.site}"


class TrustRole(models.Model):
    """A role held across every school of a trust (the deliberate exception)."""

    class Kind(models.TextChoices):
        SENIOR_LEADER = "senior_leader", _("Trust senior leader")
        HEAD_OF_SAFEGUARDING = "head_of_safeguarding", _("Trust head of safeguarding")

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_roles"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "user", "kind"], name="one_trust_role_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} ({self.trust})"


def default_school_id() -> int | None:
    """The default site's id: the school of a record made by code not yet told one.

    Every screen that makes a school's record sets its school from the request
    (``schools.current.school_for_request``); this default only keeps the jobs and
    commands that predate many schools working in a one-school installation.
    """
    from wagtail.models import Site

    return (
        Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    )


def school_field(**kwargs) -> models.ForeignKey:
    """The ``site`` foreign key every school's record carries (its school).

    Not editable in forms: the school is the one the request is for, set by the view.
    """
    # PROTECT: removing a school never silently removes its incidents or register.
    return models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school"),
        editable=False,
        **kwargs,
    )
