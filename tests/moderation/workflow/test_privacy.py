"""Making a live staff-only page public is publishing: refused in the privacy dialog."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.factories import NewsPageFactory
from tests.moderation.workflow.conftest import signed_in


def set_privacy(client: Client, page, restriction_type: str, **extra):
    return client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[page.pk]),
        {"restriction_type": restriction_type, **extra},
    )


@pytest.fixture
def staff_only(news_index):
    page = NewsPageFactory(parent=news_index, live=True, title="Staff briefing")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    return page


@pytest.mark.parametrize(
    "choice", [("none", {}), ("password", {"password": "letmein-please"})]
)
def test_a_live_staff_only_page_is_not_made_public(
    staff_only, approver, client, choice
):
    restriction_type, extra = choice

    response = set_privacy(signed_in(approver), staff_only, restriction_type, **extra)

    assert response.status_code == 200
    assert response.json()["step"] == "privacy_refused"
    assert "submit it for" in response.json()["html"]
    restriction = PageViewRestriction.objects.get(page=staff_only)
    assert restriction.restriction_type == PageViewRestriction.LOGIN
    assert client.get(staff_only.url).status_code == 302  # still asks to sign in


def test_a_live_subpage_counts_too(news_index, approver):
    PageViewRestriction.objects.create(
        page=news_index, restriction_type=PageViewRestriction.LOGIN
    )
    NewsPageFactory(parent=news_index, live=True)

    response = set_privacy(signed_in(approver), news_index, "none")

    assert response.json()["step"] == "privacy_refused"
    assert PageViewRestriction.objects.filter(page=news_index).exists()


def test_an_unpublished_page_may_be_made_public(staff_only, approver):
    staff_only.unpublish()

    response = set_privacy(signed_in(approver), staff_only, "none")

    assert response.json()["step"] == "set_privacy_done"
    assert not PageViewRestriction.objects.filter(page=staff_only).exists()


def test_making_a_public_page_staff_only_is_allowed(news_index, approver):
    page = NewsPageFactory(parent=news_index, live=True)

    response = set_privacy(signed_in(approver), page, "login")

    assert response.json()["step"] == "set_privacy_done"
    assert PageViewRestriction.objects.get(page=page).restriction_type == "login"
