"""Which rules a comment breaks: the built-in ones and the school's word lists.

Built in (always on): a learner on the register named in full (the same name rule
as publishing, C3), a phone number, an email address, a home address. These are
hidden at once and flagged to the safeguarding lead, never answered in public. The
school's own word lists (English and Welsh kept apart, whole words only, through
better-profanity with the school's words and none of its own) hide a comment too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from better_profanity import Profanity
from django.utils.translation import gettext as _

from moderation.consent.names import LearnerName, PublishedWords, learner_name
from moderation.models import Learner

from .models import InboxWordList

# A UK number: +44 or 0, then 9-10 more digits, spaces, dots or dashes between them.
_PHONE = regex.compile(r"(?<![\d+])(?:\+\s?44\s?\(?0?\)?|0)(?:[\s.\-]?\d){9,10}(?!\d)")
_EMAIL = regex.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", regex.UNICODE)
_POSTCODE = regex.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", regex.IGNORECASE)
_STREET = regex.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[\p{L}'\-]+\s+){1,3}"
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|crescent|court|"
    r"place|terrace|gardens|grove|hill|row|walk)\b"
    r"|\b\d{1,4}[a-z]?,?\s+(?:heol|ffordd|stryd|lôn|lon|rhodfa|cilgant)\s+\p{L}+",
    regex.IGNORECASE,
)


@dataclass(frozen=True)
class RuleHit:
    """One rule a comment breaks, as staff read it beside the comment."""

    label: str
    safeguarding: bool  # hide, flag to the DSL, never answer in public


def school_learners(site):
    """The learners whose names the inbox looks for: the school's register."""
    return (
        Learner.objects.on_roll()
        .filter(site=site)
        .only("first_name", "known_as", "last_name")
    )


def register_names(site) -> list[LearnerName]:
    """The plain forms of the names of the school's learners on roll."""
    return [
        learner_name(
            first_names=[learner.first_name, learner.known_as],
            last_name=learner.last_name,
        )
        for learner in school_learners(site).iterator(chunk_size=2000)
    ]


def _named(text: str, names: list[LearnerName]) -> bool:
    words = PublishedWords([text])
    return bool(len(words)) and any(words.names_in_full(name) for name in names)


def names_a_learner(text: str, *, site) -> bool:
    """Whether ``text`` names a learner on the register in full (C3's name rule)."""
    return _named(text, register_names(site))


@lru_cache(maxsize=64)
def _word_filter(entries: tuple[str, ...]) -> Profanity:
    """better-profanity loaded with the school's words alone (built once per list)."""
    profanity = Profanity()
    profanity.load_censor_words(list(entries))
    return profanity


def personal_details(text: str) -> list[RuleHit]:
    hits = []
    if _PHONE.search(text):
        hits.append(RuleHit(_("Holds a phone number"), True))
    if _EMAIL.search(text):
        hits.append(RuleHit(_("Holds an email address"), True))
    if _POSTCODE.search(text) or _STREET.search(text):
        hits.append(RuleHit(_("Holds a home address"), True))
    return hits


class RuleBook:
    """A school's rules read once, for a batch of comments (a poll, a webhook).

    The register's names and the word lists are loaded when the book is made, so
    a flood of comments costs one read of each, not one per comment.
    """

    def __init__(self, *, site):
        self._names = register_names(site)
        self._lists = [
            (word_list.get_language_display(), _word_filter(tuple(entries)))
            for word_list in InboxWordList.objects.filter(site=site)
            if (entries := word_list.entries())
        ]

    def hits(self, text: str) -> list[RuleHit]:
        """Every rule ``text`` breaks, safeguarding rules first."""
        hits = []
        if _named(text, self._names):
            hits.append(RuleHit(_("Names a pupil in full"), True))
        hits += personal_details(text)
        hits += [
            RuleHit(
                _("The school's %(language)s word list") % {"language": language},
                False,
            )
            for language, word_filter in self._lists
            if word_filter.contains_profanity(text)
        ]
        return hits
