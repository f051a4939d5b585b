"""The Welsh catalogue: no guessed (fuzzy) translations, no placeholder lost or added.

A Welsh string naming a placeholder its English does not have breaks the screen
that shows it for every Cymraeg user, and one that leaves a placeholder out loses
what it says (a title, a date); a fuzzy entry is
makemessages' guess from a different sentence, never shown, and easily mistaken for
a translation. An empty translation is allowed: that string shows in English until
someone translates it.
"""

from __future__ import annotations

import re

import polib

from config.compile_messages import LOCALE_DIR

PLACEHOLDER = re.compile(r"%\([a-z_.]+\)[sd]|%[sd]|\{[a-z_]+\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_welsh_translation_keeps_its_placeholders_and_none_is_a_guess():
    catalogue = polib.pofile(str(LOCALE_DIR / "cy" / "LC_MESSAGES" / "django.po"))

    guesses = [entry.msgid for entry in catalogue.fuzzy_entries()]
    broken = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if (
            placeholders(entry.msgstr) != placeholders(entry.msgid)
            if not entry.msgid_plural
            # A plural form may leave out the number ("Image: …" for one photo),
            # never name a placeholder its English forms do not have.
            else any(
                not set(placeholders(text))
                <= set(placeholders(entry.msgid) + placeholders(entry.msgid_plural))
                for text in entry.msgstr_plural.values()
            )
        )
    ]

    assert guesses == []
    assert broken == []
    assert len(catalogue.translated_entries()) > 400  # positive control: it was read
