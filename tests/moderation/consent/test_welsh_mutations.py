"""The full-name rule catches learners' names as Welsh mutates them (C3, issue 27).

After certain words Welsh changes a name's first letter: "i Fegan" (to Megan), "fy
Nhomos" (my Tomos), "a Chatrin" (and Catrin). A name in a mutated form is still the
learner's name, on a Welsh page or in a Welsh post.
"""

from __future__ import annotations

import pytest

from moderation.consent.names import PublishedWords, learner_name, radical_forms
from moderation.consent.rules import Channel, page_violations
from tests.factories import NewsPageFactory, learner_with_consent
from tests.moderation.consent.test_name_forms import photo_of


def named(text: str, first: str, last: str) -> bool:
    name = learner_name(first_names=[first], last_name=last)
    return PublishedWords([text]).names_in_full(name)


SOFT = [
    ("Llongyfarchiadau i Bedr Jones", "Pedr"),  # p > b
    ("Da iawn Domos Jones", "Tomos"),  # t > d
    ("Diolch i Gatrin Jones", "Catrin"),  # c > g
    ("Cân gan Fethan Jones", "Bethan"),  # b > f
    ("Gwaith gwych gan Ddafydd Jones", "Dafydd"),  # d > dd
    ("Llongyfarchiadau i Wen Jones", "Gwen"),  # g dropped
    ("Llongyfarchiadau i Fegan Jones", "Megan"),  # m > f
    ("Diolch i Lewelyn Jones", "Llewelyn"),  # ll > l
    ("Da iawn Rys Jones", "Rhys"),  # rh > r
]
NASAL = [
    ("Dyma fy Mhedr Jones", "Pedr"),  # p > mh
    ("Dyma fy Nhomos Jones", "Tomos"),  # t > nh
    ("Dyma fy Nghatrin Jones", "Catrin"),  # c > ngh
    ("Dyma fy Methan Jones", "Bethan"),  # b > m
    ("Dyma fy Nafydd Jones", "Dafydd"),  # d > n
    ("Dyma fy Ngwen Jones", "Gwen"),  # g > ng
]
ASPIRATE = [
    ("Megan a Phedr Jones", "Pedr"),  # p > ph
    ("Megan a Thomos Jones", "Tomos"),  # t > th
    ("Megan a Chatrin Jones", "Catrin"),  # c > ch
]


@pytest.mark.parametrize(("text", "first"), SOFT, ids=[f for _, f in SOFT])
def test_soft_mutation_of_a_first_name_is_a_full_name(text, first):
    assert named(text, first, "Jones")


@pytest.mark.parametrize(("text", "first"), NASAL, ids=[f for _, f in NASAL])
def test_nasal_mutation_of_a_first_name_is_a_full_name(text, first):
    assert named(text, first, "Jones")


@pytest.mark.parametrize(("text", "first"), ASPIRATE, ids=[f for _, f in ASPIRATE])
def test_aspirate_mutation_of_a_first_name_is_a_full_name(text, first):
    assert named(text, first, "Jones")


def test_a_mutated_surname_and_a_run_together_hashtag_are_found():
    assert named("Llun o Megan gan Ddavies", "Megan", "Davies")
    assert named("#FeganJones", "Megan", "Jones")
    assert named("Diolch i Fegan Lloyd Davies", "Megan", "Lloyd Davies")


@pytest.mark.parametrize(
    "text",
    [
        "Fegan a'r teulu",  # a mutated first name alone is a first name alone
        "Da iawn Jones",
        "Ffegan Jones",  # "ff" is its own letter, not a mutated "b" or "m"
        "Roedd y fan tu allan i dŷ Jones",  # an ordinary word
        "Begw Jones",  # a different name
    ],
)
def test_ordinary_words_and_other_names_are_not_a_full_name(text):
    assert not named(text, "Megan", "Jones")


def test_radical_forms_undo_one_mutation_at_the_start_only():
    assert set(radical_forms("fegan")) == {"began", "megan"}
    assert radical_forms("nghatrin") == ("catrin",)
    assert radical_forms("ffion") == ()
    assert radical_forms("megan") == ("began",)  # nasal b > m, undone
    assert radical_forms("an") == ()


@pytest.mark.django_db
def test_a_welsh_page_naming_a_pictured_learner_in_a_mutated_form_is_refused(
    home_page,
):
    megan = learner_with_consent(first_name="Megan", last_name="Jones")
    page = NewsPageFactory(
        parent=home_page,
        summary="Llongyfarchiadau mawr i Fegan Jones!",
        listing_image=photo_of(megan),
    )

    [violation] = page_violations(page, channel=Channel.website())

    assert violation.code == "full_name"
