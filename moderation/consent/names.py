"""The full-name rule's reading of text: is a learner named in full? (C3)

"If a child is fully named in the text ... don't include a photograph of that child"
(002). A safeguarding lead reads a name the way a parent does, so this module does
too: a learner is named in full when one of their first names (legal or known-as)
and their surname appear

- in the same sentence, whatever stands between them ("Amelia Rose Jones", "Millie
  and Tom Jones", "Jones, Amelia", "Amelia ... with her mum, Mrs Jones"), or
- within ``NEAR_WORDS`` words of each other across a sentence or paragraph break
  ("Well done Amelia! The Jones family cheered"), or
- run together as one word ("#ameliajones", "@JonesAmelia").

Each published text (a field, a caption, a social post) is read on its own: a name
never spans two of them. A first name alone, or a surname alone, is allowed.

Before comparing, text and names are reduced to the same plain words:

- characters nobody sees are removed (Unicode's default-ignorable code points and
  format characters: zero-width spaces and joiners, soft hyphens, word joiners,
  direction marks), so "Ame\u00adlia" is "Amelia";
- NFKC folds compatibility forms (full-width "ＪＯＮＥＳ", ligatures, mathematical
  letters) to ordinary letters;
- letters that look like Latin ones in other scripts (Cyrillic "о", Greek "Α",
  Armenian "օ", Cherokee "Ꭻ") are folded by Unicode's confusables table, as shipped
  in the ``confusable-homoglyphs`` package;
- accents are folded and case ignored ("Zoë" is "zoe");
- camel case is split ("AmeliaJones" is "amelia jones"), and letters from digits;
- anything that is not a letter or digit separates words.

Welsh mutates the first letter of a word after certain words ("Megan" is "Fegan"
in "i Fegan", "Nhomos" in "fy Nhomos", "Chatrin" in "a Chatrin"). Every word of the
text is also read in each form it could have had before a mutation
(``radical_forms``), so a learner named in Welsh is found as in English.

What it cannot know: a nickname that is not in the register, a name inside a
picture or video, a surname spelt differently, or a middle name run together with
the others ("#ameliarosejones").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import regex
from confusable_homoglyphs.utils import load as load_confusables_data

#: How many words may stand between a first name and the surname when a sentence or
#: paragraph break separates them. About one short sentence: a first name ending one
#: sentence and the surname opening the next are read together; two sentences apart
#: they are not. Within one sentence any distance counts.
NEAR_WORDS = 8

_INVISIBLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]+")
_MARKS = regex.compile(r"\p{M}+")
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})")
_LETTER_DIGIT = regex.compile(r"(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})")
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# A full stop, question or exclamation mark (and any closing quote or bracket)
# followed by a space or the end, or a blank line: the end of a sentence.
_SENTENCE_END = regex.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?:\s+|$)|\n\s*\n")


@cache
def _confusable_letters() -> dict[int, str]:
    """Each letter that looks like another, mapped to one letter for its look-alikes.

    Unicode's confusables table pairs each confusable character with its prototype;
    the package keeps both directions, so the look-alikes of one prototype form a
    group. A letter becomes the group's ASCII letter of the same case where there is
    one (Cyrillic "О" is "O", Cyrillic "о" is "o", Cyrillic "І" is "I"), otherwise the
    group's first letter, so both sides of a comparison fold to the same string.
    Loaded on first use (the table is large) and kept for the process.
    """
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for source, entries in load_confusables_data("confusables.json").items():
        source = source.strip("\u200e\u200f")
        for entry in entries:
            target = entry["c"].strip("\u200e\u200f")
            if len(source) == 1 and len(target) == 1:
                source_root, target_root = root(source), root(target)
                if source_root != target_root:
                    parent[source_root] = target_root
    groups: dict[str, list[str]] = {}
    for char in list(parent):
        groups.setdefault(root(char), []).append(char)
    for group_root, members in groups.items():
        members.append(group_root)
    table: dict[int, str] = {}
    for members in groups.values():
        letters = sorted(char for char in members if char.isalpha())
        upper = [char for char in letters if char.isascii() and char.isupper()]
        lower = [char for char in letters if char.isascii() and char.islower()]
        for char in letters:
            if char.isascii():
                continue  # an ASCII letter is itself ("I" is not "l")
            if char.isupper():
                target = (upper or lower or letters)[0]
            else:
                target = (lower or upper or letters)[0]
            if target != char:
                table[ord(char)] = target
    return table


def _fold_letters(text: str) -> str:
    """Accents removed and look-alike letters replaced; ASCII text is unchanged."""
    if text.isascii():
        return text
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    text = text.translate(_confusable_letters())
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def _visible(text: str) -> str:
    """``text`` without invisible characters, in NFKC form, letters folded."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _fold_letters(text)


def _words(text: str) -> list[str]:
    """The plain words of one sentence (camel case already split)."""
    words = _NOT_WORD.sub(" ", text).casefold().split()
    return [_fold_letters(word) for word in words]


def _sentences(text: str) -> list[list[str]]:
    """``text`` as sentences of plain words."""
    text = _visible(text)
    text = _CAMEL.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return [words for part in _SENTENCE_END.split(text) if (words := _words(part))]


def plain_words(text: str) -> str:
    """``text`` as plain lower-case words separated by single spaces.

    For comparing short texts as a reader would (a copyright holder with the
    school's name), whatever the case, accents, spacing or invisible characters.
    """
    return " ".join(word for sentence in _sentences(text) for word in sentence)


# Welsh mutations, undone: a mutated beginning and the letters it may have replaced.
# Soft: p>b t>d c>g b>f d>dd g>(gone) m>f ll>l rh>r; nasal: p>mh t>nh c>ngh b>m d>n
# g>ng; aspirate: p>ph t>th c>ch. Longest beginnings first: "ngh" before "ng".
_UNMUTATE = (
    ("ngh", ("c",)),
    ("mh", ("p",)),
    ("nh", ("t",)),
    ("ng", ("g",)),
    ("ph", ("p",)),
    ("th", ("t",)),
    ("ch", ("c",)),
    ("dd", ("d",)),
    ("ff", ()),  # "ff" is a letter of its own, never a mutation
    ("ll", ()),  # likewise "ll" and "rh": their soft forms are "l" and "r"
    ("rh", ()),
    ("b", ("p",)),
    ("d", ("t",)),
    ("g", ("c",)),
    ("f", ("b", "m")),
    ("m", ("b",)),
    ("n", ("d",)),
    ("l", ("ll",)),
    ("r", ("rh",)),
)
# Soft mutation drops a "g" ("Gwen" > "Wen", "Gareth" > "Areth", "Glyn" > "Lyn").
_AFTER_DROPPED_G = frozenset("aeiouwylr")


@lru_cache(maxsize=65_536)
def radical_forms(word: str) -> tuple[str, ...]:
    """The forms ``word`` (plain, lower case) may have had before a Welsh mutation.

    Each mutation is undone at the start of the word only, once; ``word`` itself is
    not among them. "fegan" may have been "began" or "megan"; "nghatrin" "catrin".
    """
    if len(word) < 3 or not word.isalpha():
        return ()
    forms = []
    for mutated, radicals in _UNMUTATE:
        if word.startswith(mutated):
            forms += [radical + word[len(mutated) :] for radical in radicals]
            break
    if word[0] in _AFTER_DROPPED_G:
        forms.append("g" + word)
    return tuple(forms)


@dataclass(frozen=True)
class LearnerName:
    """A learner's names in plain words, ready to look up in published text."""

    first_names: tuple[tuple[str, ...], ...]  # legal and known-as, each as words
    surname: tuple[str, ...]
    run_together: frozenset[str]  # "ameliajones", "jonesamelia"
    surname_key: str  # the surname's first word: without it, no full name
    joined_surname: str  # a surname of several words as one ("lloyddavies")


def learner_name(*, first_names: Iterable[str], last_name: str) -> LearnerName:
    """The plain form of a learner's names, cached for the register's reuse.

    Args:
        first_names: the legal first name and the known-as name (blank ones ignored).
        last_name: the surname; a double-barrelled one matches in any joined form.
    """
    return _learner_name(tuple(first_names), last_name)


def _name_words(name: str) -> tuple[str, ...]:
    if name.isascii() and name.isalpha() and name[1:].islower():
        return (name.lower(),)  # most names: one plain word already
    return tuple(plain_words(name).split())


@lru_cache(maxsize=16_384)  # a register's names, reused by every check
def _learner_name(first_names: tuple[str, ...], last_name: str) -> LearnerName:
    surname = _name_words(last_name)
    firsts = tuple(
        dict.fromkeys(words for name in first_names if (words := _name_words(name)))
    )
    joined_surname = "".join(surname)
    run_together = frozenset(
        form
        for first in firsts
        for form in ("".join(first) + joined_surname, joined_surname + "".join(first))
    )
    return LearnerName(
        first_names=firsts if surname else (),
        surname=surname,
        run_together=run_together if surname else frozenset(),
        surname_key=surname[0] if surname else "\x00",
        joined_surname=joined_surname if len(surname) > 1 else "\x00",
    )


class PublishedWords:
    """Every word of the published texts, read once, to look learners' names up in.

    Reading the text once and looking each learner up by their surname keeps the
    check fast for a page picturing a whole register: the cost grows with the text,
    not with the number of learners times the text.
    """

    def __init__(self, texts: Iterable[str]):
        self._words: list[str] = []
        self._sentence: list[int] = []
        self._at: dict[str, list[int]] = {}
        sentence = 0
        for text in texts:
            if not text:
                continue
            for words in _sentences(text):
                sentence += 1
                for word in words:
                    at = len(self._words)
                    self._at.setdefault(word, []).append(at)
                    for radical in radical_forms(word):
                        self._at.setdefault(radical, []).append(at)
                    self._words.append(word)
                    self._sentence.append(sentence)
            # A gap wider than the window between texts: a name never spans two.
            sentence += 1
            self._words.extend([""] * (NEAR_WORDS + 1))
            self._sentence.extend([sentence] * (NEAR_WORDS + 1))

    def __len__(self) -> int:
        return len(self._at)

    def names_in_full(self, name: LearnerName) -> bool:
        """Whether ``name``'s first name (any) and surname appear close together."""
        at = self._at
        for form in name.run_together:
            if form in at:
                return True
        if name.surname_key not in at and name.joined_surname not in at:
            return False  # most learners: their surname is nowhere in the text
        surnames = self._spans(name.surname)
        if not surnames:
            return False
        return any(
            self._close(first, last)
            for first_name in name.first_names
            for first in self._spans(first_name)
            for last in surnames
        )

    def _spans(self, words: tuple[str, ...]) -> list[tuple[int, int]]:
        """Where ``words`` stand in a row, or run together as one word.

        The first word may stand mutated (``radical_forms``); the rest as written.
        """
        spans = [
            (start, start + len(words) - 1)
            for start in self._at.get(words[0], ())
            if tuple(self._words[start + 1 : start + len(words)]) == words[1:]
        ]
        if len(words) > 1:
            spans += [(at, at) for at in self._at.get("".join(words), ())]
        return spans

    def _close(self, first: tuple[int, int], last: tuple[int, int]) -> bool:
        if first[1] < last[0]:
            between = last[0] - first[1] - 1
        elif last[1] < first[0]:
            between = first[0] - last[1] - 1
        else:
            return False  # the same words ("Thomas Thomas" needs two of them)
        return (
            between <= NEAR_WORDS or self._sentence[first[0]] == self._sentence[last[0]]
        )
