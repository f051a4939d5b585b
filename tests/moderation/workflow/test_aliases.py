"""An alias shows a live page at a new address at once: refused like publishing (P1)."""

from django.urls import reverse
from wagtail.models import Page

from tests.factories import NewsPageFactory
from tests.moderation.workflow.conftest import signed_in


def test_copy_with_alias_ticked_makes_no_alias(news_index, approver):
    live = NewsPageFactory(parent=news_index, live=True)
    elsewhere = news_index

    response = signed_in(approver).post(
        reverse("wagtailadmin_pages:copy", args=(live.pk,)),
        {
            "new_title": "Alias",
            "new_slug": "alias",
            "new_parent_page": elsewhere.pk,
            "alias": "on",
        },
        follow=True,
    )

    assert not Page.objects.filter(alias_of=live).exists()
    assert not elsewhere.get_children().filter(slug="alias").exists()
    assert b"An alias of a page is live wherever the page is" in response.content


def test_a_plain_copy_is_still_made_as_a_draft(news_index, approver):
    live = NewsPageFactory(parent=news_index, live=True)
    elsewhere = news_index

    signed_in(approver).post(
        reverse("wagtailadmin_pages:copy", args=(live.pk,)),
        {"new_title": "Copy", "new_slug": "copy", "new_parent_page": elsewhere.pk},
    )

    copy = elsewhere.get_children().get(slug="copy")
    assert not copy.live
    assert copy.alias_of is None


def test_admin_api_create_alias_is_refused(news_index, approver):
    live = NewsPageFactory(parent=news_index, live=True)
    elsewhere = news_index

    response = signed_in(approver).post(
        f"/admin/api/main/pages/{live.pk}/action/create_alias/",
        {"destination_page_id": elsewhere.pk, "update_slug": "alias"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "alias" in response.json()["message"].lower()
    assert not Page.objects.filter(alias_of=live).exists()
