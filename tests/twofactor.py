"""Sign a test client in as a user whose session has passed the second factor.

Most admin tests are about something else than signing in; they use this to start from a
verified session, exactly as the two-factor gate would leave it after a good code.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

STEP_UP_SESSION_KEY = "otp_verified_at"


def login_verified(
    client: Client, user, *, verified_at: float | None = None
) -> TOTPDevice:
    """Log ``user`` in on ``client`` with a confirmed TOTP device marked as verified.

    Args:
        client: the Django test client to sign in.
        user: the staff user.
        verified_at: epoch seconds of the last code check (step-up tests); None: now.
    """
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[STEP_UP_SESSION_KEY] = time.time() if verified_at is None else verified_at
    session.save()
    return device
