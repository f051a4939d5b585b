"""The one-time code form, built on django-otp's ``OTPTokenForm``.

People type codes as their app shows them ("123 456"), so all spaces are removed
before checking. What is left must look like a code: six digits from the app, or an
eight-character backup code. Anything else is refused with a message saying what a
code looks like, without counting as a failed attempt against the device.
"""

import re
import time

from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPTokenForm
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import BackupCodeDevice

APP_CODE = re.compile(r"^[0-9]{6}$")
BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")
MAX_CODE_INPUT = 32

MESSAGE_EMPTY = _("Enter the 6-digit code shown in your authenticator app.")
MESSAGE_MALFORMED = _(
    "That is not a code. Enter the 6 digits shown in your authenticator app, "
    "or one of your 8-character backup codes."
)
MESSAGE_MALFORMED_APP_ONLY = _("Enter the 6 digits shown in your authenticator app.")
MESSAGE_WRONG = _("That code is not right. Check your app and enter the current code.")
MESSAGE_WRONG_BACKUP = _("That backup code is not right, or it has been used already.")
MESSAGE_REPLAYED = _(
    "That code has already been used. Wait for your app to show a new code."
)
MESSAGE_NO_BACKUP = _("You have no backup codes left. Use your authenticator app.")
MESSAGE_THROTTLED = _(
    "Too many wrong codes (%(failure_count)d). For your security, wait a little "
    "and try again."
)


def code_normalise(raw: str) -> str:
    """Remove every space (apps show "123 456") and lower-case backup codes."""
    return "".join(raw.split()).lower()


class OneTimeCodeForm(OTPTokenForm):
    """Verify a code against the device its shape points to.

    django-otp (1.7.1+) needs the device chosen explicitly (``otp_device``); we
    choose it from the code itself, so the person only types the code. Throttling,
    single use of backup codes and refusal of a reused app code (``last_t``) are
    django-otp's own.

    Attributes:
        failure_reason: after an invalid submission, a short word for the audit
            log ("empty", "malformed", "wrong", "replayed", "throttled",
            "no_backup_codes").
    """

    otp_error_messages = dict(
        OTPTokenForm.otp_error_messages,
        token_required=MESSAGE_EMPTY,
        invalid_token=MESSAGE_WRONG,
        n_failed_attempts=MESSAGE_THROTTLED,
    )

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=MAX_CODE_INPUT,
        error_messages={"max_length": MESSAGE_MALFORMED},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(
        self, user, request=None, *args, device: Device | None = None, **kwargs
    ):
        """
        Args:
            user: the signed-in member of staff.
            request: the current request.
            device: check only this device (enrolment, regeneration); None: the
                user's authenticator app, or their backup codes for a backup code.
        """
        super().__init__(user, request, *args, **kwargs)
        self.device = device
        self.failure_reason = ""

    @property
    def accepts_backup_codes(self) -> bool:
        return self.device is None

    def clean_otp_token(self) -> str:
        code = code_normalise(self.cleaned_data.get("otp_token") or "")
        if not code:
            self.failure_reason = "empty"
            raise forms.ValidationError(MESSAGE_EMPTY, code="token_required")
        if APP_CODE.match(code):
            return code
        if self.accepts_backup_codes and BACKUP_CODE.match(code):
            return code
        self.failure_reason = "malformed"
        if not self.accepts_backup_codes:
            raise forms.ValidationError(MESSAGE_MALFORMED_APP_ONLY, code="malformed")
        raise forms.ValidationError(MESSAGE_MALFORMED, code="malformed")

    def clean(self):
        if self.errors:
            # A malformed or empty code is not an attempt at the device.
            self.failure_reason = self.failure_reason or "malformed"
            return self.cleaned_data
        code = self.cleaned_data["otp_token"]
        device = self._device_for(code)
        if device is None:
            self.failure_reason = "no_backup_codes"
            raise forms.ValidationError(MESSAGE_NO_BACKUP, code="no_backup_codes")
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            self.failure_reason = "throttled"
            raise forms.ValidationError(
                MESSAGE_THROTTLED % {"failure_count": extra.get("failure_count", 0)},
                code="throttled",
            )
        self.cleaned_data["otp_device"] = device.persistent_id
        try:
            return super().clean()
        except forms.ValidationError:
            self.failure_reason = "wrong"
            if isinstance(device, BackupCodeDevice):
                raise forms.ValidationError(
                    MESSAGE_WRONG_BACKUP, code="invalid_token"
                ) from None
            if self._is_replay(device, code):
                self.failure_reason = "replayed"
                raise forms.ValidationError(MESSAGE_REPLAYED, code="replayed") from None
            raise

    def _device_for(self, code: str) -> Device | None:
        if self.device is not None:
            return self.device
        if APP_CODE.match(code):
            return TOTPDevice.objects.filter(user=self.user, confirmed=True).first()
        return BackupCodeDevice.objects.filter(
            user=self.user, confirmed=True, codes__isnull=False
        ).first()

    @staticmethod
    def _is_replay(device: TOTPDevice, code: str) -> bool:
        """Would this code have matched but for django-otp's one-use rule?"""
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        return bool(totp.verify(int(code), device.tolerance))
