"""The Welsh names of the holidays every school in Wales has (issue 27).

A term calendar imported from the council or typed in by an English-speaking office
holds English names only ("Christmas holidays", "INSET day"). On the Welsh website
and in the Welsh holiday notice a date is named, in this order:

1. by its own **Title in Welsh** (``TermDate.welsh_title``), when the school gave one;
2. by the standard Welsh name below, when its English title is one of the standard
   names (case, hyphens, a leading "the" and a trailing year do not matter);
3. by its English title as written: nothing is guessed for a name not listed here.
"""

from __future__ import annotations

import re

_CHRISTMAS = "Gwyliau'r Nadolig"
_EASTER = "Gwyliau'r Pasg"
_SUMMER = "Gwyliau'r haf"
_HALF_TERM = "Hanner tymor"
_AUTUMN_HALF_TERM = "Hanner tymor yr hydref"
_SPRING_HALF_TERM = "Hanner tymor y gwanwyn"
_SUMMER_HALF_TERM = "Hanner tymor yr haf"
_BANK_HOLIDAY = "Gŵyl y banc"
_INSET_DAY = "Diwrnod HMS"

STANDARD_WELSH_NAMES: dict[str, str] = {
    "christmas": _CHRISTMAS,
    "christmas holiday": _CHRISTMAS,
    "christmas holidays": _CHRISTMAS,
    "christmas break": _CHRISTMAS,
    "easter": _EASTER,
    "easter holiday": _EASTER,
    "easter holidays": _EASTER,
    "easter break": _EASTER,
    "summer holiday": _SUMMER,
    "summer holidays": _SUMMER,
    "half term": _HALF_TERM,
    "half term holiday": _HALF_TERM,
    "autumn half term": _AUTUMN_HALF_TERM,
    "october half term": _AUTUMN_HALF_TERM,
    "spring half term": _SPRING_HALF_TERM,
    "february half term": _SPRING_HALF_TERM,
    "summer half term": _SUMMER_HALF_TERM,
    "may half term": _SUMMER_HALF_TERM,
    "whitsun half term": _SUMMER_HALF_TERM,
    "bank holiday": _BANK_HOLIDAY,
    "may bank holiday": _BANK_HOLIDAY,
    "early may bank holiday": _BANK_HOLIDAY,
    "spring bank holiday": _BANK_HOLIDAY,
    "summer bank holiday": _BANK_HOLIDAY,
    "august bank holiday": _BANK_HOLIDAY,
    "inset": _INSET_DAY,
    "inset day": _INSET_DAY,
    "training day": _INSET_DAY,
    "staff training day": _INSET_DAY,
    "teacher training day": _INSET_DAY,
    "in service training day": _INSET_DAY,
}

_NOT_PART_OF_THE_NAME = re.compile(r"[-_–—/.,:;()']+")
_LEADING_THE = re.compile(r"^the\s+")
_TRAILING_YEAR = re.compile(r"\s+\d{4}(\s+\d{2,4})?$")


def _normalised(title: str) -> str:
    words = _NOT_PART_OF_THE_NAME.sub(" ", title.casefold())
    words = " ".join(words.split())
    return _TRAILING_YEAR.sub("", _LEADING_THE.sub("", words))


def standard_welsh_name(english_title: str) -> str | None:
    """The Welsh name of a standard holiday, or None for any other title."""
    return STANDARD_WELSH_NAMES.get(_normalised(english_title))


def welsh_name(*, english_title: str, welsh_title: str = "") -> str:
    """The date's name in Welsh, by the rule in this module's docstring."""
    return welsh_title.strip() or standard_welsh_name(english_title) or english_title
