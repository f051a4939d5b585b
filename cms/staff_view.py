"""Whether a request comes from staff who may see private media (drafts, previews).

Signed in, past the second factor (django-otp's ``is_verified``) and allowed into
the admin: the same people who see media in the admin. Everyone else, on every
public page, sees public copies only.
"""

from __future__ import annotations

from django.http import HttpRequest


def staff_view(request: HttpRequest | None) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified()) and user.has_perm(
        "wagtailadmin.access_admin"
    )
