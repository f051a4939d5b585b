"""Who may look after other people's second factor and read the sign-in log."""

from django.contrib.auth.models import AbstractBaseUser

from moderation.roles import SENIOR_LEADERSHIP


def is_senior_leader(user: AbstractBaseUser) -> bool:
    """Senior leadership (or a superuser) resets devices and reads the log (P4, A3)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=SENIOR_LEADERSHIP).exists()
