"""Content-Security-Policy under production settings (ASVS V3.4.3): strict on the
public site, what Wagtail needs in the admin, framing only by the site itself."""

import pytest
from django.urls import reverse

from config.settings import csp as csp_settings
from tests.config.test_production_settings import REQUIRED, run_manage
from tests.factories import NewsIndexPageFactory, NewsPageFactory, UserFactory
from tests.twofactor import login_verified

MIDDLEWARE = "cms.content_security_policy.SiteContentSecurityPolicyMiddleware"


def directives(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";") if part.strip()]
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in parts}


@pytest.fixture
def production_csp(settings, db):
    """The production policies and middleware, on the test settings."""
    settings.CONTENT_SECURITY_POLICY = csp_settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_ADMIN = csp_settings.CONTENT_SECURITY_POLICY_ADMIN
    settings.CSP_ADMIN_PREFIXES = csp_settings.CSP_ADMIN_PREFIXES
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    return settings


def test_production_settings_send_the_policy():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; m = settings.MIDDLEWARE; "
        "print(m[m.index('django.middleware.security.SecurityMiddleware') + 1]); "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])",
        env_overrides=REQUIRED,
    )

    assert result.returncode == 0, result.stderr
    assert MIDDLEWARE in result.stdout
    assert "'none'" in result.stdout


def test_the_public_site_allows_no_script_and_no_framing_by_others(
    client, production_csp, home_page
):
    page = NewsPageFactory(parent=NewsIndexPageFactory(parent=home_page))

    response = client.get(page.url)

    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'none'"
    assert policy["default-src"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # The page itself carries no script the policy would block.
    assert b"<script" not in response.content


def test_the_admin_gets_what_wagtail_needs_and_framing_by_itself(
    client, production_csp
):
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert "'self'" in policy["frame-src"]


def test_the_review_preview_may_be_framed_by_the_review_screen(
    client, production_csp, home_page
):
    page = NewsPageFactory(parent=NewsIndexPageFactory(parent=home_page))
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))

    policy = directives(response.get("Content-Security-Policy", ""))
    assert policy["frame-ancestors"] == "'self'"
    assert response.get("X-Frame-Options", "SAMEORIGIN") != "DENY"
