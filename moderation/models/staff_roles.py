"""A request to join a sensitive role that waits for a second person (issue 21).

Nobody adds themself to a role that opens safeguarding information or approves
publication (``moderation.roles.SENSITIVE_ROLES``): the membership is held here until
the designated safeguarding lead or the headteacher confirms it with a fresh code.
Roles are trust-wide, so this record is too (ARCHITECTURE.md: roles are the one
deliberate exception to "everything belongs to a school").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RoleGrant(models.Model):
    """One held request: ``member`` asked to join ``group``."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        REFUSED = "refused", "Refused"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group"],
                condition=models.Q(status="waiting"),
                name="one_waiting_grant_per_member_and_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} to join {self.group}"
