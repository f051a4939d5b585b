"""Which sessions belong to which member of staff, so they can all be ended at once."""

from django.conf import settings
from django.db import models


class StaffSession(models.Model):
    """One signed-in session of a member of staff.

    Recorded at sign-in and removed at sign-out. Deactivating a user, resetting their
    password or their second factor ends every session listed here (P4: access is
    removed at once, not at the next idle timeout). Keeping the keys is cleaner than
    decoding every row of the session table and works with any session backend.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_sessions",
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
