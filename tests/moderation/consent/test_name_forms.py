"""The full-name rule reads everything published, and names as people type them (C3).

Issue 9 found names written surname-first, in hashtags, slugs, file names, credits
and tags. Issue 20 found the rule matched a first name and surname only as
neighbouring words: a middle name or initial between them, siblings sharing the
surname ("Millie and Tom Jones"), an invisible character pasted from Word or a
phone, or a look-alike letter from another alphabet all went out with the photo,
on the website and on Facebook. These tests are the families of those forms, in
every kind of text a page publishes, plus the forms that must stay allowed.
"""

from __future__ import annotations

import html

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.text import slugify
from wagtail.test.utils.form_data import querydict_from_html

from moderation.consent.names import NEAR_WORDS, PublishedWords, learner_name
from moderation.consent.page_media import readable_texts
from moderation.consent.rules import Channel, page_violations
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsCategoryFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    NoticeIndexPageFactory,
    NoticePageFactory,
    StandardPageFactory,
    UserFactory,
    distinct_picture,
    learner_with_consent,
)
from tests.twofactor import login_verified

WEBSITE = Channel.website()

#: Characters a reader never sees, as pasted from Word, a PDF or a phone keyboard.
INVISIBLE = {
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "soft hyphen": "\u00ad",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "combining grapheme joiner": "\u034f",
    "invisible separator": "\u2063",
    "Mongolian vowel separator": "\u180e",
}

FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in "Amelia Jones")

#: Letters from other alphabets that look like the Latin ones they replace.
LOOK_ALIKES = {
    "Cyrillic o in the surname": "Amelia J\u043enes",
    "Cyrillic capitals": "\u0410\u041c\u0415LI\u0410 J\u041eN\u0415S",
    "Cyrillic je and ie": "Amelia \u0408on\u0435s",
    "Greek alpha and omicron": "\u0391melia J\u03bfnes",
    "Armenian oh": "Amelia J\u0585nes",
    "Cherokee J": "Amelia \u13abones",
    "Latin alpha": "\u0251melia Jones",
    "full-width letters": FULL_WIDTH,
    "mathematical bold": "\U0001d400\U0001d426\U0001d41e\U0001d425\U0001d422\U0001d41a "
    "\U0001d409\U0001d428\U0001d427\U0001d41e\U0001d42c",
    "combining accents": "Ame\u0301lia Jo\u0308nes",
}

NAME_FORMS = {
    "as written": "Amelia Jones",
    "middle name between": "Amelia Rose Jones",
    "two middle names": "Amelia Rose Catrin Jones",
    "initial between": "Amelia R. Jones",
    "hyphenated first names": "Amelia-Rose Jones",
    "siblings, known-as name": "Millie and Tom Jones",
    "three siblings": "Tom, Millie and Sam Jones",
    "surname first": "Jones, Amelia",
    "surname first, middle name": "Jones, Amelia Rose",
    "upper case": "AMELIA JONES",
    "line break": "Amelia\nJones",
    "line break and middle name": "Amelia\nRose\nJones",
    "non-breaking spaces": "Amelia\u00a0\u00a0 Jones",
    "possessive": "Amelia Jones's painting",
    "accents": "Amélia Jones",
    "hashtag": "#AmeliaJones",
    "hashtag, lower case": "#ameliajones",
    "hashtag, middle name": "#AmeliaRoseJones",
    "hashtag, surname first": "#JonesAmelia",
    "handle": "@amelia_jones",
    "dotted": "amelia.jones",
    "Unicode hyphen": "Amelia\u2010Jones",
    "known-as hashtag": "#MillieJones",
    "next sentence": "Well done Amelia! The Jones family cheered.",
    "with her mum": "Amelia came with her mum, Mrs Jones",
    "new paragraph": "Amelia\n\nThanks to the Jones family",
    **{
        f"{name} inside both names": f"Ame{char}lia Jo{char}nes"
        for name, char in INVISIBLE.items()
    },
    **{f"{name} between": f"Amelia{char}Jones" for name, char in INVISIBLE.items()},
    **LOOK_ALIKES,
}

ALLOWED = {
    "first name alone": "Well done Amelia!",
    "known-as name alone": "Millie won the egg and spoon race.",
    "surname alone": "Thank you, Mrs Jones.",
    "surname as part of a longer word": "Amelia Jonesy",
    "first name inside a longer word": "Ameliaville and the Jones Cup",
    "two distant sentences": "Amelia won the sprint. "
    + "Everyone in Year Four ran brilliantly and the weather held all afternoon. "
    + "Mrs Jones handed out the medals.",
}


@pytest.fixture
def amelia(db):
    return learner_with_consent(
        first_name="Amélia", last_name="Jones", known_as="Millie"
    )


def named(text: str) -> bool:
    """The rule by itself, on ``text`` read as a page's field is read."""
    name = learner_name(first_names=["Amélia", "Millie"], last_name="Jones")
    return PublishedWords(readable_texts([text])).names_in_full(name)


# --- The rule by itself: every form, in plain text and in rich text --------------


@pytest.mark.parametrize("text", NAME_FORMS.values(), ids=NAME_FORMS.keys())
@pytest.mark.parametrize(
    "wrap",
    [
        "{}",
        "<p>Sports day: {} crossed the line first.</p>",
        "<p>Our winners:</p><ul><li>{}</li></ul>",
    ],
    ids=["plain", "paragraph", "list"],
)
def test_every_form_of_a_full_name_is_found(text, wrap):
    assert named(wrap.format(html.escape(text)))


@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_a_first_name_or_a_surname_alone_is_not_a_full_name(text):
    assert not named(text)


def test_the_window_across_sentences_is_a_few_words():
    near = "Amelia. " + "word " * NEAR_WORDS + ". Jones"
    far = "Amelia. " + "word " * (NEAR_WORDS + 1) + ". Jones"
    assert named(near)
    assert not named(far)


def test_a_name_never_spans_two_texts():
    name = learner_name(first_names=["Amelia"], last_name="Jones")
    assert not PublishedWords(["Amelia's race", "The Jones family"]).names_in_full(name)


def test_a_surname_of_two_words_is_found_in_any_joined_form():
    name = learner_name(first_names=["Sam"], last_name="Lloyd-Davies")
    for text in (
        "Sam Lloyd Davies",
        "Sam Lloyd-Davies",
        "#SamLloydDavies",
        "Lloyd–Davies, Sam",
        "#samlloyddavies",
    ):
        assert PublishedWords([text]).names_in_full(name), text
    assert not PublishedWords(["Sam and Mr Davies"]).names_in_full(name)


def test_a_name_twice_the_same_word_needs_both():
    name = learner_name(first_names=["Thomas"], last_name="Thomas")
    assert not PublishedWords(["Well done Thomas!"]).names_in_full(name)
    assert PublishedWords(["Well done Thomas Thomas!"]).names_in_full(name)


# --- Every published text of a page, through the consent check -------------------


def photo_of(learner, **fields):
    image = ImageFactory(no_identifiable_learners=False, **fields)
    image.learners.set([learner])
    return image


def codes(page, channel=WEBSITE):
    return [violation.code for violation in page_violations(page, channel=channel)]


def published_with(home_page, learner, where: str, text: str):
    """A page with the learner's photo and ``text`` in one published place."""
    image_fields = {}
    page_fields = {"summary": "A great day."}
    body = []
    if where == "file name":
        image_fields["file"] = ContentFile(
            distinct_picture(1_000_000_007),
            name=f"{text}.png",
        )
    elif where in ("image title", "alt text", "credit", "copyright holder"):
        field = {"image title": "title", "alt text": "description"}.get(where, where)
        image_fields[field.replace(" ", "_")] = text
        image_fields.setdefault("credit", "Photo: a parent")  # not the school's
    elif where in ("page title", "summary", "search description", "SEO title"):
        field = {"page title": "title", "SEO title": "seo_title"}.get(where, where)
        page_fields[field.replace(" ", "_")] = text
    elif where == "web address":
        page_fields["slug"] = slugify(text, allow_unicode=True)
    image = photo_of(learner, **image_fields)
    if where == "tags":
        image.tags.add(text)
    body.append(
        ("image", {"image": image, "caption": text if where == "caption" else ""})
    )
    if where == "paragraph":
        body.append(("paragraph", f"<p>{html.escape(text)}</p>"))
    elif where == "alt text in the body":
        body.append(
            (
                "paragraph",
                f'<p>Sports day</p><embed embedtype="image" id="{image.pk}" '
                f'format="left" alt="{html.escape(text)}"/>',
            )
        )
    elif where == "link address":
        address = slugify(text, allow_unicode=True).replace("-", ".")
        body.append(
            (
                "paragraph",
                f'<p>Write to <a href="mailto:{address}@example.com">us</a></p>',
            )
        )
    elif where == "quote":
        body.append(("quote", {"text": text, "attribution": "Year 4"}))
    elif where == "quote attribution":
        body.append(("quote", {"text": "What a day!", "attribution": text}))
    elif where in ("document link title", "document title", "document file name"):
        document = DocumentFactory(
            title=text if where == "document title" else "Letter",
            no_identifiable_learners=True,
            **(
                {"file": ContentFile(b"letter", name=f"{text}.txt")}
                if where == "document file name"
                else {}
            ),
        )
        link_title = text if where == "document link title" else "PDF"
        body.append(("document", {"document": document, "title": link_title}))
    if where == "address of the section above":
        parent = StandardPageFactory(
            parent=home_page, slug=slugify(text, allow_unicode=True)
        )
        return StandardPageFactory(parent=parent, live=False, body=body)
    page = NewsPageFactory(
        parent=NewsIndexPageFactory(parent=home_page),
        live=False,
        body=body,
        **page_fields,
    )
    if where == "news category":
        page.categories.add(NewsCategoryFactory(name=text))
    return page


PLACES = [
    "page title",
    "web address",
    "address of the section above",
    "summary",
    "search description",
    "SEO title",
    "paragraph",
    "alt text in the body",
    "link address",
    "caption",
    "quote",
    "quote attribution",
    "document link title",
    "document title",
    "document file name",
    "image title",
    "alt text",
    "credit",
    "copyright holder",
    "file name",
    "tags",
    "news category",
]

#: The issue's hardest forms, each tried in every place (two per place, in turn).
HARD_FORMS = [
    "Amelia Rose Jones",
    "Millie and Tom Jones",
    "Ame\u200blia Jo\u00adnes",
    "Amelia J\u043enes",
    "Jones, Amelia",
    FULL_WIDTH,
    "Amelia\u2060R.\u2060Jones",
    "\u0391melia J\u03bfnes",
]
PLACED = [
    (place, HARD_FORMS[(2 * n + k) % len(HARD_FORMS)])
    for n, place in enumerate(PLACES)
    for k in (0, 1)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("where", "text"), PLACED)
def test_a_full_name_is_refused_wherever_the_page_publishes_it(
    home_page, amelia, where, text
):
    page = published_with(home_page, amelia, where, text)
    [violation] = page_violations(page, channel=WEBSITE)
    assert violation.code == "full_name"


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["summary", "caption", "paragraph", "tags"])
def test_a_first_name_alone_passes_in_the_same_places(home_page, amelia, where):
    """Positive control: the same pages with only a first name may be published."""
    page = published_with(home_page, amelia, where, "Well done Millie and Tom!")
    assert codes(page) == []


@pytest.mark.django_db
@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed_forms_pass_in_the_body(home_page, amelia, text):
    page = published_with(home_page, amelia, "paragraph", text)
    assert codes(page) == []


@pytest.mark.django_db
def test_a_notice_message_and_a_social_text_are_read(home_page, amelia):
    notices = NoticeIndexPageFactory(parent=home_page)
    notice = NoticePageFactory(
        parent=notices,
        live=False,
        message=f"<p>Lost: Amelia&shy;Rose&nbsp;J\u043enes's coat</p>"
        f'<embed embedtype="image" id="{photo_of(amelia).pk}" format="left" '
        'alt="a coat"/>',
    )
    assert codes(notice) == ["full_name"]
    plain = NoticePageFactory(
        parent=notices,
        live=False,
        message=f'<p>Lost coat</p><embed embedtype="image" '
        f'id="{photo_of(amelia).pk}" format="left" alt="a coat"/>',
    )
    assert codes(plain) == []  # positive control
    social = Channel.social(
        "Parents", closed=True, text="Go Millie and Tom J\u043enes!"
    )
    assert codes(plain, social) == ["full_name"]


@pytest.mark.django_db
def test_the_message_says_what_to_do_in_plain_words(home_page, amelia):
    page = published_with(home_page, amelia, "caption", "Millie and Tom Jones")
    [violation] = page_violations(page, channel=WEBSITE)
    assert "first name and surname" in violation.message
    assert "Use the first name only, or remove the photo." in violation.message
    for internal in ("C3", "full_name", "NFKC", "Unicode", "confusable"):
        assert internal not in violation.message


@pytest.mark.django_db
def test_the_consent_officer_records_a_known_as_name_in_the_register(client):
    from django.contrib.auth.models import Group

    from moderation.models import Learner
    from moderation.roles import SAFEGUARDING

    learner = learner_with_consent(first_name="Amelia", last_name="Jones")
    officer = UserFactory()
    officer.groups.add(Group.objects.get(name=SAFEGUARDING))
    login_verified(client, officer)
    url = reverse("learners:edit", args=[learner.pk])
    form = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    form["known_as"] = "Millie"
    assert client.post(url, form).status_code == 302
    assert Learner.objects.get(pk=learner.pk).known_as == "Millie"
