"""The full-name rule's reading of text: every form a learner's name can take (C3).

"If a child is fully named in the text ... don't include a photograph of that child"
(002). A name can be written many ways, so text and names are both reduced to the
same plain form before comparing:

- accents folded and letter case ignored ("Zoë" is "zoe");
- camel case split ("AmeliaJones" is "amelia jones"), and letters split from digits;
- every run of anything that is not a letter or digit (spaces, non-breaking spaces,
  line breaks, hyphens, underscores, dots, commas, apostrophes, ``#``, ``@``) becomes
  one space, so "Jones, Amelia", "amelia_jones", "amelia.jones", "Amelia\\nJones" and
  "Amelia Jones's" all read as words in a row.

A learner is named in full when a first name (legal or known-as) and the surname
appear next to each other in either order, or run together as one word
("#ameliajones", "@JonesAmelia"). A first name alone is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_NOT_WORD = re.compile(r"[\W_]+")

#: Separates fields in the plain form, so a name never spans two fields.
FIELD_BREAK = " | "


def fold(text: str) -> str:
    """Accents removed (NFKD, combining marks dropped); other letters kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def plain_words(text: str) -> str:
    """``text`` as lower-case words separated by single spaces, padded with a space.

    Camel case is split before the case is lowered, then all punctuation and
    whitespace of any kind becomes one space.
    """
    if text.isascii() and text.isalpha() and text[1:].islower():
        return f" {text.lower()} "  # most names: one plain word already
    text = fold(text)
    text = _CAMEL.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    words = _NOT_WORD.sub(" ", text).lower().strip()
    return f" {words} " if words else ""


def plain_text(texts) -> str:
    """Several fields in the plain form, with a break between fields."""
    return FIELD_BREAK.join(part for part in map(plain_words, texts) if part)


@dataclass(frozen=True)
class NameForms:
    """The plain strings that mean a learner is named in full."""

    surname_word: str  # the cheap first test: its longest word missing, no full name
    forms: tuple[str, ...]

    def found_in(self, plain: str) -> bool:
        if self.surname_word not in plain:
            return False
        return any(form in plain for form in self.forms)


def name_forms(*, first_names: list[str], last_name: str) -> NameForms:
    """Every plain form of '<first> <last>' for each first name, in either order.

    Args:
        first_names: the legal first name and the known-as name (blank ones ignored).
        last_name: the surname; a double-barrelled one in any of its joined forms.
    """
    return _name_forms(tuple(first_names), last_name)


@lru_cache(maxsize=16_384)  # a register's names, reused by every check
def _name_forms(first_names: tuple[str, ...], last_name: str) -> NameForms:
    last = plain_words(last_name).strip()
    forms: set[str] = set()
    for first_name in first_names:
        first = plain_words(first_name).strip()
        if not first or not last:
            continue
        for pair in ((first, last), (last, first)):
            forms.add(f" {pair[0]} {pair[1]} ")  # words in a row, any separator
            joined = "".join(pair).replace(" ", "")
            forms.add(f" {joined} ")  # run together: #ameliajones, @jonesamelia
    surname_word = max(last.split(), key=len) if last else "\x00"
    return NameForms(surname_word=surname_word, forms=tuple(sorted(forms)))
