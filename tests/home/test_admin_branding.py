"""The admin carries the school's name and crest, never "Wagtail" or Gravatar."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from tests.factories import UserFactory
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_site(db):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Ysgol Aber Valley"
    site.save()
    return site


def visible_text(html: str) -> str:
    """The page's words a person reads: no tags, scripts, styles or attributes."""
    html = re.sub(r"<(script|style|template|noscript)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_dashboard_is_headed_by_the_school_and_never_says_wagtail(school_site):
    client = Client()
    login_verified(client, UserFactory(is_superuser=True))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "<title>Dashboard - Ysgol Aber Valley</title>" in html
    heading = re.search(r'<h1 class="w-h1[^"]*">(.*?)</h1>', html, re.S).group(1)
    assert heading.strip() == "Ysgol Aber Valley"
    assert "site/crest.svg" in html
    assert "Wagtail" not in visible_text(html)
    assert "- Wagtail</title>" not in html


def test_the_sign_in_page_names_the_school(school_site):
    html = Client().get(reverse("wagtailadmin_login")).content.decode()

    assert "Sign in to Ysgol Aber Valley" in html
    assert "Sign in to Wagtail" not in html
    assert "site/crest.svg" in html


def test_each_schools_sign_in_page_names_it_and_an_unknown_host_names_neither(
    school_site, settings
):
    home = school_site.root_page
    Site.objects.create(
        hostname="bramblewood.example", root_page=home, site_name="Bramblewood"
    )

    def sign_in_page(host: str) -> str:
        login = reverse("wagtailadmin_login")
        return Client().get(login, HTTP_HOST=host).content.decode()

    assert "Sign in to Bramblewood" in sign_in_page("bramblewood.example")
    assert "Sign in to Ysgol Aber Valley" in sign_in_page("localhost")
    unknown = sign_in_page("old-name.example")
    assert f"Sign in to {settings.WAGTAIL_SITE_NAME}" in unknown
    assert "Ysgol Aber Valley" not in unknown


def test_avatars_make_no_call_to_gravatar(school_site):
    client = Client()
    login_verified(client, UserFactory(is_superuser=True, email="head@example.org"))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "gravatar" not in html.lower()
    assert "avatar" in html.lower()  # positive control: an avatar is drawn


def test_staff_without_a_picture_get_their_initials(school_site):
    client = Client()
    head = UserFactory(is_superuser=True, first_name="Jo", last_name="Davies")
    login_verified(client, head)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert re.search(r"data-initials>\s*JD\s*<", html)
