"""Who sees a school's mentions, and who runs them.

- The school's safeguarding lead and head: see every mention (flagged ones with
  their words), add and remove feeds, set the search terms, choose their emails.
- The managers and owners of the school's social accounts: see the mentions; a
  flagged one shows only that it names someone and is with the safeguarding lead.
"""

from __future__ import annotations

from moderation.roles import HEADTEACHER, SAFEGUARDING
from publishing.models import SocialAccount

RUNNERS = (SAFEGUARDING, HEADTEACHER)


def runs_mentions(user, site) -> bool:
    """The safeguarding lead or the head at ``site`` (or an administrator)."""
    if not user.is_active:
        return False
    return (
        user.is_superuser
        or user.school_memberships.filter(site=site, role__in=RUNNERS).exists()
    )


def sees_mentions(user, site) -> bool:
    """Runs the mentions, or manages or owns one of the school's accounts."""
    if runs_mentions(user, site):
        return True
    accounts = SocialAccount.objects.filter(site=site)
    return user.is_active and (
        accounts.filter(managers=user).exists() or accounts.filter(owner=user).exists()
    )
