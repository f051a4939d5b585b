"""Which mentions name someone: a learner on the register or a member of staff.

The full-name rule is publishing's (C3, ``moderation.consent.names``): a first name
and the surname close together, however they are written. Learners are the school's
register on roll; staff are the people who work at the school.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from moderation.consent.names import LearnerName, PublishedWords, learner_name
from publishing.inbox.rules import register_names


@dataclass(frozen=True)
class Named:
    learner: bool
    staff: bool


def _staff_names(site) -> list[LearnerName]:
    people = (
        get_user_model()
        .objects.filter(is_active=True, school_memberships__site=site)
        .exclude(last_name="")
        .values_list("first_name", "last_name")
        .distinct()
    )
    return [learner_name(first_names=[first], last_name=last) for first, last in people]


class NameReader:
    """A school's learners' and staff's names, read once for a batch of mentions."""

    def __init__(self, *, site):
        self._learners = register_names(site)
        self._staff = _staff_names(site)

    def named(self, *texts: str) -> Named:
        """Whether any of ``texts`` (each read on its own) names someone in full."""
        words = PublishedWords(texts)
        if not len(words):
            return Named(learner=False, staff=False)
        return Named(
            learner=any(words.names_in_full(name) for name in self._learners),
            staff=any(words.names_in_full(name) for name in self._staff),
        )
