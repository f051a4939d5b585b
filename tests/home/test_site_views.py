"""robots.txt and the styled error pages."""

from django.test import override_settings
from django.urls import path


def test_robots_txt_allows_the_site_and_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /api/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_page_not_found_is_styled_with_the_site_chrome(client, school):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "/static/site/site.css" in html
    assert "Meadowbank Primary School" in html
    assert 'class="skip-link"' in html
    assert "Search the website" in html


def broken_view(request):
    raise RuntimeError("the database fell over")


urlpatterns = [path("broken/", broken_view)]
handler500 = "home.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_styled_and_self_contained(client, db):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert "<style>" in html  # no stylesheet request that could fail too
    assert "the database fell over" not in html
