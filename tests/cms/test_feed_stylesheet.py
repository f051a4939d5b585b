"""The news feed names its XSL stylesheet, which is served, and stays valid RSS."""

import xml.etree.ElementTree as ET

from django.urls import reverse


def test_the_feed_points_browsers_at_its_stylesheet(client, db):
    response = client.get(reverse("news_feed"))
    body = response.content.decode()

    assert response["Content-Type"].startswith("application/rss+xml")
    assert '<?xml-stylesheet href="/static/cms/feed.xsl" media="screen"' in body
    feed = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert feed.tag == "rss"  # still RSS for readers
    stylesheet = client.get("/static/cms/feed.xsl")
    assert stylesheet.status_code == 200
    root = ET.fromstring(b"".join(stylesheet.streaming_content))  # noqa: S314
    assert root.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"


def test_a_browser_gets_xml_it_can_style_and_a_reader_gets_rss(client, db):
    browser = client.get(
        reverse("news_feed"),
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9"},
    )
    reader = client.get(reverse("news_feed"), headers={"Accept": "*/*"})

    assert browser["Content-Type"] == "application/xml; charset=utf-8"
    assert reader["Content-Type"].startswith("application/rss+xml")
    assert "Accept" in browser["Vary"]
