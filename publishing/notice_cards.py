"""The notice card: the picture a notice's post carries where every post is a
picture (Instagram, issue 25).

A holiday notice or a closure has no photo, and Instagram takes none without one,
so its post carries a card drawn here: the school's name, the notice's title, when
it applies and the start of its message, in each of the school's languages (Welsh
first where the school puts it first). It shows no pupil, so it needs no consent.
It is drawn when the post is sent, from the notice as it is live, and leaves the
server like any photo: through the short-lived public copy Instagram fetches
(``deliveries.delivery_send``). The alt text is the notice's words in full.

Fonts: Pillow's own scalable font, so nothing is assumed of the machine. It has
the ASCII letters only; a letter with an accent (Welsh ŵ, ŷ, â, ï; é) is drawn as
its letter with the accent drawn above it, and any other character as its nearest
ASCII letters.
"""

from __future__ import annotations

import functools
import html
import io
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from cms.languages import WELSH, language_plan_for_page
from cms.models import NoticePage
from publishing.networks.base import ImageFile

#: Square: within Instagram's 4:5..1.91:1, shown whole in the feed and the grid.
CARD_SIZE = 1080
MARGIN = 72
BAND_HEIGHT = 150
INK, ACCENT_INK, BAND, PAPER = "#1b1b1b", "#8a1c1c", "#1d3557", "#ffffff"
TITLE_SIZE, WHEN_SIZE, MESSAGE_SIZE, SCHOOL_SIZE = 58, 38, 36, 46
#: The accents drawn over a letter the font lacks (combining marks, after NFD).
GRAVE, ACUTE, CIRCUMFLEX, DIAERESIS = "\u0300", "\u0301", "\u0302", "\u0308"
DRAWN_MARKS = frozenset({GRAVE, ACUTE, CIRCUMFLEX, DIAERESIS})


@dataclass(frozen=True)
class CardWords:
    """One language's words on the card."""

    school: str
    title: str
    when: str
    message: str


def carries_card(page) -> bool:
    """Whether a post of ``page`` without a photo carries a notice card."""
    return page is not None and issubclass(page.specific_class, NoticePage)


def notice_card_image(page) -> ImageFile:
    """The card for the live notice ``page`` as a JPEG, with its alt text."""
    words = notice_card_words(page.specific)
    return ImageFile(
        content=notice_card_jpeg(words),
        filename="notice.jpg",
        mime_type="image/jpeg",
        alt_text=notice_card_alt_text(words),
    )


def notice_card_words(notice: NoticePage) -> list[CardWords]:
    """The notice's words in each language it is live in, in the school's order."""
    plan = language_plan_for_page(notice)
    site = notice.get_site()
    default_name = site.site_name if site else ""
    versions = {notice.locale.language_code: notice}
    if plan.bilingual:
        for other in notice.get_translations().live().specific():
            versions.setdefault(other.locale.language_code, other)
    order = [code for code in plan.codes if code in versions] or list(versions)
    return [
        _words(
            versions[code],
            code=code,
            school=plan.school_name(code, default=default_name),
        )
        for code in order
    ]


def _words(notice: NoticePage, *, code: str, school: str) -> CardWords:
    with translation.override(code):
        return CardWords(
            school=school,
            title=notice.title,
            when=_when(notice),
            message=_plain(notice.message),
        )


def _plain(rich_text: str) -> str:
    """Rich text as one line of words (paragraphs and list items kept apart)."""
    return " ".join(html.unescape(strip_tags(rich_text.replace("><", "> <"))).split())


def _day(moment, *, in_sentence: bool = False) -> str:
    """A day as "Tuesday 5 January"; in Welsh mid-sentence, "dydd Mawrth 5 Ionawr"."""
    day = date_format(timezone.localtime(moment), "l j F")
    if in_sentence and translation.get_language() == WELSH:
        return day[:1].lower() + day[1:]
    return day


def _when(notice: NoticePage) -> str:
    starts, ends = notice.valid_from, notice.valid_until
    if starts and ends and _day(starts) != _day(ends):
        return _("From %(start)s until %(end)s") % {
            "start": _day(starts, in_sentence=True),
            "end": _day(ends, in_sentence=True),
        }
    if starts or ends:
        return _day(starts or ends)
    return ""


def notice_card_alt_text(words: list[CardWords]) -> str:
    """What the card says, in full, for those who cannot see it."""
    return "\n\n".join(
        ". ".join(
            part.rstrip(".") for part in (w.school, w.title, w.when, w.message) if part
        )
        + "."
        for w in words
    )


# --- Drawing ----------------------------------------------------------------------


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


@functools.cache
def _has_glyph(char: str) -> bool:
    font = _font(40)
    return char == " " or bytes(font.getmask(char)) != bytes(font.getmask("\uffff"))


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` as runs the font can draw: (letters, accents to draw over them).

    A run with accents is one letter; letters the font lacks and that are not a
    drawable letter-and-accent become their nearest ASCII letters.
    """
    pieces: list[tuple[str, str]] = []
    run = ""
    for char in text:
        if _has_glyph(char):
            run += char
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        if _has_glyph(base) and marks and set(marks) <= DRAWN_MARKS:
            if run:
                pieces.append((run, ""))
            pieces.append((base, "".join(marks)))
            run = ""
        else:
            run += "".join(c for c in anyascii(char) if _has_glyph(c))
    if run:
        pieces.append((run, ""))
    return pieces


def _width(text: str, font: ImageFont.FreeTypeFont) -> float:
    return sum(font.getlength(letters) for letters, _marks in _pieces(text))


def _draw(draw: ImageDraw.ImageDraw, xy, text: str, *, size: int, fill, bold=False):
    font = _font(size)
    x, y = xy
    stroke = max(1, size // 40) if bold else 0
    for letters, marks in _pieces(text):
        if marks and letters in "ij":
            _draw_dotless(draw, (x, y), letters, font=font, fill=fill, stroke=stroke)
        else:
            draw.text(
                (x, y),
                letters,
                font=font,
                fill=fill,
                stroke_width=stroke,
                stroke_fill=fill,
            )
        if marks:
            _draw_marks(draw, (x, y), letters, marks, font=font, fill=fill)
        x += font.getlength(letters)


def _draw_dotless(draw, xy, letter: str, *, font, fill, stroke: int) -> None:
    """An i or j without its dot, for the accent to take its place."""
    x, y = xy
    _left, _top, right, bottom = font.getbbox(letter)
    x_height_top = font.getbbox("x")[1]
    glyph = Image.new("L", (right + 4, bottom + 4), 0)
    ImageDraw.Draw(glyph).text(
        (0, 0), letter, font=font, fill=255, stroke_width=stroke, stroke_fill=255
    )
    glyph.paste(0, (0, 0, glyph.width, x_height_top - 1))
    draw.bitmap((x, y), glyph, fill=fill)


def _draw_marks(draw, xy, letter: str, marks: str, *, font, fill) -> None:
    """Accents over ``letter`` drawn at ``xy``: above its top (or its x-height)."""
    x, y = xy
    left, top, right, _bottom = font.getbbox(letter)
    if letter in "ij":
        top = font.getbbox("x")[1]
    size = font.size
    centre = x + (left + right) / 2
    gap, height, half = size * 0.08, size * 0.16, size * 0.15
    base = y + top - gap
    line = max(2, size // 14)
    for mark in marks:
        if mark == ACUTE:
            draw.line(
                [(centre - half / 2, base), (centre + half / 2, base - height)],
                fill=fill,
                width=line,
            )
        elif mark == GRAVE:
            draw.line(
                [(centre + half / 2, base), (centre - half / 2, base - height)],
                fill=fill,
                width=line,
            )
        elif mark == CIRCUMFLEX:
            draw.line(
                [(centre - half, base), (centre, base - height), (centre + half, base)],
                fill=fill,
                width=line,
                joint="curve",
            )
        elif mark == DIAERESIS:
            radius = line * 0.8
            for dot in (centre - half * 0.7, centre + half * 0.7):
                draw.ellipse(
                    [
                        dot - radius,
                        base - height / 2 - radius,
                        dot + radius,
                        base - height / 2 + radius,
                    ],
                    fill=fill,
                )
        base -= height + gap


def _wrapped(text: str, *, size: int, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``width`` pixels; "…" if cut."""
    font = _font(size)
    words = text.split()
    out: list[str] = []
    while words and len(out) < lines:
        line = words.pop(0)
        while words and _width(f"{line} {words[0]}", font) <= width:
            line = f"{line} {words.pop(0)}"
        overflow = ""  # a word wider than the line is broken where it must be
        while _width(line, font) > width and len(line) > 1:
            line, overflow = line[:-1], line[-1] + overflow
        if overflow:
            words.insert(0, overflow)
        out.append(line)
    if words and out:
        last = out[-1]
        while last and _width(last + "…", font) > width:
            last = last[:-1]
        out[-1] = last.rstrip(" ,;:.") + "…"
    return out


def _block(draw, words: CardWords, *, top: int, bottom: int, title_lines: int):
    """One language's title, dates and message between ``top`` and ``bottom``."""
    width = CARD_SIZE - 2 * MARGIN
    y = top
    for line in _wrapped(words.title, size=TITLE_SIZE, width=width, lines=title_lines):
        _draw(draw, (MARGIN, y), line, size=TITLE_SIZE, fill=INK, bold=True)
        y += int(TITLE_SIZE * 1.25)
    y += 10
    for line in _wrapped(words.when, size=WHEN_SIZE, width=width, lines=2):
        _draw(draw, (MARGIN, y), line, size=WHEN_SIZE, fill=ACCENT_INK, bold=True)
        y += int(WHEN_SIZE * 1.3)
    y += 16
    step = int(MESSAGE_SIZE * 1.35)
    room = max((bottom - y) // step, 0)
    for line in _wrapped(words.message, size=MESSAGE_SIZE, width=width, lines=room):
        _draw(draw, (MARGIN, y), line, size=MESSAGE_SIZE, fill=INK)
        y += step


def notice_card_jpeg(words: list[CardWords]) -> bytes:
    """The card, CARD_SIZE pixels square: the school's name, then each language."""
    card = Image.new("RGB", (CARD_SIZE, CARD_SIZE), PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle([0, 0, CARD_SIZE, BAND_HEIGHT], fill=BAND)
    schools = list(dict.fromkeys(w.school for w in words if w.school))
    school = " · ".join(schools)
    [line, *_rest] = _wrapped(
        school, size=SCHOOL_SIZE, width=CARD_SIZE - 2 * MARGIN, lines=1
    ) or [""]
    _draw(
        draw,
        (MARGIN, (BAND_HEIGHT - SCHOOL_SIZE) // 2),
        line,
        size=SCHOOL_SIZE,
        fill=PAPER,
        bold=True,
    )
    top, bottom = BAND_HEIGHT + 56, CARD_SIZE - MARGIN
    share = (bottom - top) // max(len(words), 1)
    for n, language in enumerate(words):
        block_top = top + n * share
        if n:
            draw.line(
                [(MARGIN, block_top - 28), (CARD_SIZE - MARGIN, block_top - 28)],
                fill=BAND,
                width=3,
            )
        _block(
            draw,
            language,
            top=block_top,
            bottom=block_top + share - 40,
            title_lines=3 if len(words) == 1 else 2,
        )
    out = io.BytesIO()
    card.save(out, "JPEG", quality=90)
    return out.getvalue()
