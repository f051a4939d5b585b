"""The notice form says, in plain words, what a closure does by itself (issue 21).

A closure ends by itself with the school day and goes to every account without
anyone adding posts; the form must say both, and its social media panel must not
suggest that each account has to be added by hand.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from moderation import roles
from tests.factories import NoticePageFactory, staff
from tests.moderation.workflow.conftest import signed_in


@pytest.fixture
def editor(db):
    return staff("office", roles.EDITORS)


def form_text(client, url: str) -> str:
    """The form as a person reads it (words, not markup), without scripts."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    for template in soup.find_all("template"):
        template.decompose()  # the empty post a script would copy in
    return " ".join(soup.find("form", id="page-edit-form").get_text(" ").split())


def test_the_closure_form_says_it_ends_with_the_day_and_goes_everywhere(school, editor):
    text = form_text(
        signed_in(editor), reverse("school_new_closure", args=(school.notices.pk,))
    )

    assert "ends by itself at the end of the school day" in text
    assert "goes to every school social media account by itself" in text
    assert "you do not need to add anything here" in text
    assert "Add your own words for one account" in text
    assert "Add Post to an account" not in text


def test_editing_a_closure_words_its_posts_panel_the_same_way(school, editor):
    closure = NoticePageFactory(
        parent=school.notices, title="Closed: snow", kind="closure", live=False
    )

    text = form_text(
        signed_in(editor), reverse("wagtailadmin_pages:edit", args=(closure.pk,))
    )

    assert "Add your own words for one account" in text
    assert "Add Post to an account" not in text


@pytest.mark.parametrize("kind", ["general", "holiday"])
def test_other_notices_still_add_a_post_per_account(school, editor, kind):
    notice = NoticePageFactory(parent=school.notices, kind=kind, live=False)

    text = form_text(
        signed_in(editor), reverse("wagtailadmin_pages:edit", args=(notice.pk,))
    )

    assert "Add Post to an account" in text
    # The kind's help still tells them what choosing a closure would do.
    assert "goes to every school social media account by itself" in text


@pytest.mark.parametrize("field", ["message"])
def test_the_rich_text_box_is_named_by_its_fields_label(school, editor, field):
    """Draftail's editable area takes the label's id (axe: every input labelled)."""
    response = signed_in(editor).get(
        reverse("school_new_closure", args=(school.notices.pk,))
    )
    soup = BeautifulSoup(response.content, "html.parser")

    hidden = soup.find("input", attrs={"name": field})
    options = json.loads(hidden["data-w-init-detail-value"])
    label = soup.find(id=options["ariaLabelledBy"])
    assert label is not None and label.name == "label"
    assert label.get_text(strip=True).startswith("Message")
