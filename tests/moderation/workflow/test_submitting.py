"""Pressing Submit: the author lands on "My drafts" with one true message (issue 21,
item 9; issue 22, item 4), and nothing a teacher must fill hides on another tab."""

from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import NewsPage, NoticePage, StandardPage
from tests.factories import NewsPageFactory, untagged_image
from tests.moderation.workflow.conftest import news_edit_form, signed_in, submit

MY_DRAFTS = reverse("wagtailadmin_home") + "#my-drafts"


def new_news(news_index, **fields) -> dict:
    return nested_form_data(
        {
            "title": "Sports day",
            "slug": "sports-day",
            "date": "2026-12-04",
            "summary": "Races on the field.",
            "listing_image": "",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "social_posts": inline_formset([]),
            **fields,
        }
    )


def add_url(news_index) -> str:
    return reverse("wagtailadmin_pages:add", args=("cms", "newspage", news_index.pk))


def read(client) -> list[tuple[str, str]]:
    """What the author reads where they land: messages, and the box atop My drafts."""
    shown = client.get(reverse("wagtailadmin_home"))
    said = [(m.level_tag, str(m)) for m in get_messages(shown.wsgi_request)]
    html = shown.content.decode()
    if "data-submission-outcome" in html:
        start = html.index("data-submission-outcome")
        assert html.index("My drafts and where they are") < start
        box = html[html.rindex("<div", 0, start) : html.index("</div>", start)]
        kind = "error" if 'role="alert"' in box else "success"
        said.append((kind, unescape(strip_tags(box[box.index(">") + 1 :])).strip()))
    return said


def test_submit_lands_on_my_drafts_with_one_message_saying_who_checks_it(
    news_index, author, approver
):
    client = signed_in(author)
    response = client.post(
        add_url(news_index), new_news(news_index, **{"action-submit": "1"})
    )

    assert response.status_code == 302
    assert response["Location"] == MY_DRAFTS
    said = read(client)
    assert said == [
        (
            "success",
            "“Sports day” is sent for approval: someone in Approvers will check it. "
            "Nothing of it is public until it is approved. You will get an email "
            "when it is approved or sent back.",
        )
    ]


def test_a_title_used_before_gets_its_own_address_instead_of_an_error(
    news_index, author, approver
):
    NewsPageFactory(parent=news_index, title="Sports day", slug="sports-day")

    response = signed_in(author).post(
        add_url(news_index), new_news(news_index, **{"action-submit": "1"})
    )

    assert response.status_code == 302
    created = NewsPage.objects.get(slug="sports-day-2")
    assert created.current_workflow_state.status == "in_progress"


def test_submit_before_the_browser_filled_the_address_still_works(
    news_index, author, approver
):
    response = signed_in(author).post(
        add_url(news_index), new_news(news_index, slug="", **{"action-submit": "1"})
    )

    assert response.status_code == 302
    assert NewsPage.objects.get(title="Sports day").slug == "sports-day"


def test_sent_back_by_the_consent_check_says_so_alone(news_index, author, approver):
    photo = untagged_image(title="Sports day photo")

    client = signed_in(author)
    response = client.post(
        add_url(news_index),
        new_news(news_index, listing_image=photo.pk, **{"action-submit": "1"}),
    )

    assert response["Location"] == MY_DRAFTS
    said = read(client)
    assert len(said) == 1
    level, text = said[0]
    assert level == "error"
    assert "was not sent for approval: the consent check sent it back" in text
    assert "Sports day photo" in text
    dashboard = signed_in(author).get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="my-drafts"' in dashboard
    assert "Sent back for changes" in dashboard


def test_resubmitting_from_the_editor_also_lands_on_my_drafts(
    news_index, author, approver
):
    draft = NewsPageFactory(parent=news_index, live=False, owner=author)
    draft.save_revision(user=author)

    client = signed_in(author)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
        news_edit_form(draft, **{"action-submit": "1"}),
    )

    assert response["Location"] == MY_DRAFTS
    assert [level for level, _ in read(client)] == ["success"]


def test_saving_a_draft_stays_in_the_editor(news_index, author):
    response = signed_in(author).post(add_url(news_index), new_news(news_index))

    assert response.status_code == 302
    assert "/edit/" in response["Location"]


@pytest.mark.parametrize("model", [NewsPage, NoticePage, StandardPage])
def test_every_field_a_teacher_must_fill_is_on_the_first_tab(model):
    edit_handler = model.get_edit_handler()
    form_class = edit_handler.get_form_class()
    first_tab = set(edit_handler.children[0].get_form_options().get("fields", []))
    form = form_class(
        instance=model(), for_user=None, parent_page=Page.get_first_root_node()
    )

    required = {name for name, field in form.fields.items() if field.required}

    assert required <= first_tab, required - first_tab


def test_an_error_on_another_tab_is_named_at_the_top(news_index, author):
    published = NewsPageFactory(parent=news_index, title="Fete", slug="fete")
    NewsPageFactory(parent=news_index, title="Fair", slug="fair")

    response = signed_in(author).post(
        reverse("wagtailadmin_pages:edit", args=(published.pk,)),
        news_edit_form(published, slug="fair", **{"action-submit": "1"}),
    )

    assert response.status_code == 200
    assert "On the “Promote” tab" in response.content.decode()


def test_a_new_page_is_not_autosaved_into_existence(news_index, author):
    """Autosave on the new-page form created the page behind the editor's back, so
    a Submit pressed meanwhile made a second copy (or failed on the Promote tab)."""
    client = signed_in(author)

    new = client.get(add_url(news_index)).content.decode()
    draft = NewsPageFactory(parent=news_index, live=False, owner=author)
    existing = client.get(
        reverse("wagtailadmin_pages:edit", args=(draft.pk,))
    ).content.decode()

    assert "w-autosave" not in form_tag(new)
    assert "w-autosave" in form_tag(existing)


def form_tag(html: str) -> str:
    start = html.index('id="page-edit-form"')
    return html[html.rindex("<form", 0, start) : html.index(">", start)]


def test_a_save_the_consent_check_refuses_has_no_green_saved_beside_it(
    news_index, author, approver
):
    draft = NewsPageFactory(parent=news_index, live=False, owner=author)
    submit(draft, author)
    photo = untagged_image(title="Sports day photo")
    client = signed_in(approver)  # the author may not edit it while it waits

    client.post(
        reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
        news_edit_form(draft, listing_image=photo.pk),
    )

    said = read(client)
    assert "success" not in [level for level, _ in said]
    refusal = [text for level, text in said if level == "error"]
    assert len(refusal) == 1
    assert refusal[0].startswith("Your changes are saved, but not approved.")
    assert "Sports day photo" in refusal[0]
