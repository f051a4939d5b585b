"""Odd query strings and ids in the social media admin: a page or a 404, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories
from tests.twofactor import login_verified


@pytest.fixture
def administrator(client, db):
    user = factories.UserFactory(username="root", is_superuser=True)
    login_verified(client, user)
    return user


@pytest.mark.parametrize(
    ("viewset", "query"),
    [
        ("publishing_deliveries:index", "status=nonsense"),
        ("publishing_deliveries:index", "page=abc"),
        ("publishing_deliveries:index", "account=abc&page=999"),
        ("publishing_deliveries:index", "ordering=nonsense"),
        ("publishing_accounts:index", "status=nonsense&network=zz&page=abc"),
        ("publishing_accounts:index", "connection=abc"),
    ],
)
def test_a_list_with_a_nonsense_filter_or_page_still_shows(
    client, administrator, viewset, query
):
    response = client.get(f"{reverse(viewset)}?{query}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["publishing_delivery_detail", "publishing_account_detail"]
)
def test_a_missing_delivery_or_account_is_not_found(client, administrator, name):
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_a_network_answer_nobody_asked_for_is_explained(client, administrator):
    response = client.get(
        reverse("publishing_connect_callback", args=["x"]) + "?oauth_token=forged"
    )

    assert response.status_code == 302
    assert "does not match a connection started here" in " ".join(
        str(message) for message in get_messages(response.wsgi_request)
    )
