"""Every admin route that would publish without approval is refused (P1)."""

from django.urls import reverse

from tests.factories import NewsPageFactory
from tests.moderation.workflow.conftest import signed_in


def test_bulk_publish_is_refused(draft, approver):
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        + f"?id={draft.pk}"
    )

    response = signed_in(approver).post(url, {"include_descendants": ""}, follow=True)

    draft.refresh_from_db()
    assert not draft.live
    assert b"only through approval by a second member of staff" in response.content


def test_admin_api_publish_is_refused(draft, approver):
    response = signed_in(approver).post(
        f"/admin/api/main/pages/{draft.pk}/action/publish/"
    )

    draft.refresh_from_db()
    assert response.status_code == 403
    assert "only through approval" in response.json()["detail"]
    assert not draft.live


def test_admin_api_copy_keeping_copies_live_is_refused(news_index, approver):
    live = NewsPageFactory(parent=news_index, live=True)
    client = signed_in(approver)
    url = f"/admin/api/main/pages/{live.pk}/action/copy/"

    refused = client.post(
        url, {"slug": "copy-live", "keep_live": True}, content_type="application/json"
    )
    drafted = client.post(
        url, {"slug": "copy-draft", "keep_live": False}, content_type="application/json"
    )

    assert refused.status_code == 403
    assert not news_index.get_children().filter(slug="copy-live").exists()
    assert drafted.status_code == 201
    assert not news_index.get_children().get(slug="copy-draft").live


def test_copy_with_publish_copies_is_refused(news_index, approver):
    live = NewsPageFactory(parent=news_index, live=True)

    response = signed_in(approver).post(
        reverse("wagtailadmin_pages:copy", args=(live.pk,)),
        {
            "new_title": "Copy",
            "new_slug": "copy",
            "new_parent_page": news_index.pk,
            "publish_copies": "on",
        },
        follow=True,
    )

    assert not news_index.get_children().filter(slug="copy").exists()
    assert b"Copies cannot be published straight away" in response.content
