"""Forged or damaged admin forms answer 400 or the form with errors, never a 500."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import streamfield

from tests.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    NoticeIndexPageFactory,
    NoticePageFactory,
    UserFactory,
)
from tests.moderation.workflow.conftest import news_edit_form
from tests.twofactor import login_verified


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="admin", is_superuser=True, is_staff=True)
    login_verified(client, user)
    client.raise_request_exception = False
    return client


@pytest.fixture
def news(home_page):
    return NewsPageFactory(
        parent=NewsIndexPageFactory(parent=home_page), title="Sports day"
    )


def edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_a_news_edit_without_the_body_count_is_a_400(admin_client, news):
    data = news_edit_form(news, title="Changed")
    del data["body-count"]

    response = edit(admin_client, news, data)

    assert response.status_code == 400
    assert b"nothing was saved" in response.content
    news.refresh_from_db()
    assert news.get_latest_revision_as_object().title == "Sports day"
    # Positive control: the complete form saves.
    assert (
        edit(admin_client, news, news_edit_form(news, title="Changed")).status_code
        == 302
    )


def test_rich_text_sent_as_raw_html_is_a_400(admin_client, news):
    data = news_edit_form(
        news, title="Changed", body=streamfield([("paragraph", "<p>raw</p>")])
    )

    response = edit(admin_client, news, data)

    assert response.status_code == 400
    news.refresh_from_db()
    assert news.get_latest_revision_as_object().title == "Sports day"


def test_a_rich_text_field_sent_as_raw_html_is_a_400(admin_client, home_page):
    notice = NoticePageFactory(parent=NoticeIndexPageFactory(parent=home_page))
    data = {
        "title": notice.title,
        "slug": notice.slug,
        "message": "<p>Closed <script>x</script></p>",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }

    response = edit(admin_client, notice, data)

    assert response.status_code in (200, 400)


@pytest.mark.parametrize("parent", [None, "abc", "999999", "1.5"])
def test_a_copy_to_a_missing_or_unknown_parent_is_a_400(admin_client, news, parent):
    data = {"new_title": "Copy", "new_slug": "copy"}
    if parent is not None:
        data["new_parent_page"] = parent

    response = admin_client.post(
        reverse("wagtailadmin_pages:copy", args=[news.pk]), data
    )

    assert response.status_code == 400
    assert not type(news).objects.filter(slug="copy").exists()


def test_a_copy_to_a_real_parent_is_made(admin_client, news):
    response = admin_client.post(
        reverse("wagtailadmin_pages:copy", args=[news.pk]),
        {
            "new_title": "Copy",
            "new_slug": "copy",
            "new_parent_page": news.get_parent().pk,
        },
    )

    assert response.status_code == 302
    assert type(news).objects.filter(slug="copy").exists()
