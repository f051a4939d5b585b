"""Headless clients ask for one language with ?locale=."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return {item["title"] for item in response.json()["items"]}


def test_locale_cy_lists_only_the_welsh_pages(client, bilingual):
    response = client.get("/api/v2/pages/", {"type": "cms.NewsPage", "locale": "cy"})

    assert response.status_code == 200
    assert titles(response) == {"Diwrnod mabolgampau"}
    assert response.json()["items"][0]["meta"]["locale"] == "cy"


def test_locale_en_lists_only_the_english_pages(client, bilingual):
    response = client.get("/api/v2/pages/", {"type": "cms.NewsPage", "locale": "en"})

    assert response.status_code == 200
    assert titles(response) == {"Sports day"}


def test_an_unknown_locale_is_a_clear_400(client, bilingual):
    response = client.get("/api/v2/pages/", {"locale": "xx"})

    assert response.status_code == 400
    assert "use cy or en-gb" in response.json()["message"]


def test_an_english_only_school_refuses_welsh_with_a_reason(client, school):
    response = client.get("/api/v2/pages/", {"locale": "cy"})

    assert response.status_code == 400
    assert "not a language this school publishes in" in response.json()["message"]
