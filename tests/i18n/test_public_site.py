"""A parent reads a bilingual school's website in Welsh and switches language."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import TermDateFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_the_welsh_home_page_is_in_welsh(client, bilingual):
    response = client.get("/cy/")

    page = html(response)
    assert response.status_code == 200
    assert '<html lang="cy">' in page
    assert "Y newyddion diweddaraf" in page  # "Latest news"
    assert "Ysgol Gynradd Glan-y-Ddôl" in page  # the school's Welsh name
    assert "Diwrnod mabolgampau" in page
    assert "Sports day" not in page
    assert "Neidio i'r prif gynnwys" in page  # the skip link


def test_the_english_home_page_stays_english(client, bilingual):
    page = html(client.get("/"))

    assert '<html lang="en-GB">' in page
    assert "Latest news" in page
    assert "Sports day" in page
    assert "Diwrnod mabolgampau" not in page


def test_the_switcher_goes_to_the_same_story_in_the_other_language(client, bilingual):
    english = html(client.get(bilingual.english_story.url))
    welsh_url = bilingual.welsh_story.url
    assert welsh_url == "/cy/newyddion/diwrnod-mabolgampau/"
    assert f'<a href="{welsh_url}" hreflang="cy" lang="cy">Cymraeg</a>' in english

    welsh = html(client.get(welsh_url))
    assert "Diwrnod mabolgampau" in welsh
    assert (
        f'<a href="{bilingual.english_story.url}" hreflang="en-gb" lang="en-gb">'
        "English</a>" in welsh
    )


def test_welsh_comes_first_in_the_switcher_when_the_school_says_so(client, bilingual):
    page = html(client.get("/"))
    switcher = page[page.index('class="language-switcher"') :]

    assert switcher.index("Cymraeg") < switcher.index("English")


def test_both_languages_are_named_for_search_engines(client, bilingual):
    page = html(client.get(bilingual.english_story.url))

    assert (
        '<link rel="alternate" hreflang="cy" '
        'href="http://testserver/cy/newyddion/diwrnod-mabolgampau/">' in page
    )
    assert 'hreflang="en-gb" href="http://testserver/news/sports-day/"' in page


def test_a_story_not_yet_translated_offers_no_broken_link(client, bilingual):
    from tests.factories import NewsPageFactory

    alone = NewsPageFactory(parent=bilingual.english.news_index, title="Lost coat")

    page = html(client.get(alone.url))

    assert 'hreflang="cy"' not in page


def test_term_dates_are_in_welsh_with_welsh_dates(client, bilingual):
    TermDateFactory(
        title="Half term",
        welsh_title="Hanner tymor",
        kind="holiday",
        starts_on=datetime.date(timezone.localdate().year + 1, 2, 16),
    )

    welsh = html(client.get("/cy/term-dates/"))
    english = html(client.get("/term-dates/"))

    assert "Hanner tymor" in welsh and "Gwyliau ysgol" in welsh
    assert "Maw 16 Chw" in welsh  # Tuesday 16 February, in Welsh
    assert "Dyddiadau'r tymor" in welsh
    assert "Half term" in english and "Tue 16 Feb" in english


def test_search_in_welsh_finds_the_welsh_pages(client, bilingual):
    welsh = html(client.get("/cy/search/", {"q": "mabolgampau"}))
    english_for_welsh_word = html(client.get("/search/", {"q": "mabolgampau"}))

    assert "Diwrnod mabolgampau" in welsh
    assert "Canlyniadau chwilio" in welsh
    assert "Diwrnod mabolgampau" not in english_for_welsh_word


def test_the_news_feed_has_a_welsh_edition(client, bilingual):
    welsh = client.get("/cy/feeds/news.xml", HTTP_ACCEPT="application/rss+xml")
    english = client.get("/feeds/news.xml", HTTP_ACCEPT="application/rss+xml")

    assert b"Diwrnod mabolgampau" in welsh.content
    assert b"Sports day" not in welsh.content
    assert "Ysgol Gynradd Glan-y-Ddôl: newyddion" in welsh.content.decode()
    assert b"Sports day" in english.content
    assert b"Diwrnod mabolgampau" not in english.content


def test_a_missing_welsh_page_is_a_welsh_404(client, bilingual):
    response = client.get("/cy/dim-yma/")

    assert response.status_code == 404
    assert "Heb ddod o hyd i'r dudalen" in html(response)
    assert '<html lang="cy">' in html(response)


def test_the_sitemap_names_each_page_in_the_other_language(client, bilingual):
    body = client.get("/sitemap.xml").content.decode()

    assert "/cy/newyddion/diwrnod-mabolgampau/</loc>" in body
    story = re.search(
        r"<url><loc>http://localhost/news/sports-day/</loc>.*?</url>", body, re.S
    ).group(0)
    assert (
        '<xhtml:link rel="alternate" hreflang="cy" '
        'href="http://localhost/cy/newyddion/diwrnod-mabolgampau/"/>' in story
    )


def test_each_language_is_cached_apart(client, bilingual):
    client.get("/")
    client.get("/cy/")

    english = client.get("/")
    welsh = client.get("/cy/")

    assert english["X-Page-Cache"] == "hit" and welsh["X-Page-Cache"] == "hit"
    assert "Latest news" in html(english)
    assert "Y newyddion diweddaraf" in html(welsh)
