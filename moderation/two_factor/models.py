"""Staff sessions (to end them all at once) and hashed backup codes."""

from django.conf import settings
from django.db import models, transaction
from django_otp.models import Device, ThrottlingMixin

from .backup_codes import backup_code_matches


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


class BackupCodeDevice(ThrottlingMixin, Device):
    """A member of staff's single-use backup codes, kept only as salted hashes.

    Replaces django-otp's static device, which stores the codes in clear (ASVS
    V6.5.2). Throttled like it (``OTP_STATIC_THROTTLE_FACTOR``): each wrong code
    doubles the wait before the next try.
    """

    class Meta:
        verbose_name = "backup codes"
        verbose_name_plural = "backup codes"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        """Use up the code ``token`` if it is one of the unused ones."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = str(token)
        with transaction.atomic():
            # Locked, so two sign-ins racing with one code cannot both use it.
            for backup in self.codes.select_for_update():
                if backup_code_matches(code, backup.code_hash):
                    backup.delete()
                    self.throttle_reset()
                    return True
        self.throttle_increment()
        return False


class BackupCode(models.Model):
    """One unused backup code, as a PBKDF2 hash (``two_factor.backup_codes``)."""

    device = models.ForeignKey(
        BackupCodeDevice, on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(max_length=128)

    def __str__(self) -> str:
        return f"Backup code of {self.device.user}"
