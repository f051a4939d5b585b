"""Who may look after other people's second factor and read the sign-in log."""

from django.contrib.auth.models import AbstractBaseUser

from moderation.roles import SENIOR_LEADERSHIP


def is_senior_leader(user: AbstractBaseUser) -> bool:
    """Senior leadership (or a superuser) resets devices and reads the log (P4, A3)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=SENIOR_LEADERSHIP).exists()


def authority_rank(user: AbstractBaseUser) -> int:
    """How much a user may do: superuser 3, senior leadership 2, everyone else 1."""
    if user.is_superuser:
        return 3
    if user.groups.filter(name=SENIOR_LEADERSHIP).exists():
        return 2
    return 1


def may_reset_second_factor(
    *, actor: AbstractBaseUser, target: AbstractBaseUser
) -> bool:
    """A senior leader resets the factor of nobody with more rights than their own.

    A reset lets whoever next signs in with the target's password enrol a new app:
    a senior leader who could reset a superuser's factor could take over the
    superuser's account with a phished password (ASVS V6: no privilege escalation
    through recovery).
    """
    return is_senior_leader(actor) and authority_rank(target) <= authority_rank(actor)
