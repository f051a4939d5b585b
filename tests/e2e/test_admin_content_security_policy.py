"""The admin and the public site work in a real browser under the production
policies: no Content-Security-Policy violation is reported, and Wagtail's JavaScript
runs in the admin.

The live server's middleware is fixed when it starts, so the browser adds the exact
header ``SiteContentSecurityPolicyMiddleware`` sends for each path (built from
``config/settings/csp.py`` by django-csp; ``tests/config`` checks the middleware).
"""

from urllib.parse import urlsplit

from csp.utils import build_policy, default_config
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from wagtail.models import Site

from config.settings import csp as csp_settings
from tests.factories import NewsIndexPageFactory, NewsPageFactory, UserFactory
from tests.twofactor import login_verified


def policy_of(setting: dict) -> str:
    directives = dict(setting["DIRECTIVES"])
    directives.pop("upgrade-insecure-requests")  # the live server speaks HTTP
    return build_policy(config=default_config(directives))


def test_the_page_editor_runs_with_no_policy_violation(live_server, browser, settings):
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None  # as in production
    root = Site.objects.get(is_default_site=True).root_page
    page = NewsPageFactory(parent=NewsIndexPageFactory(parent=root), title="Fair")
    client = Client()
    login_verified(client, UserFactory(username="admin", is_superuser=True))
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": urlsplit(live_server.url).hostname,
                "path": "/",
            }
        ]
    )
    admin = policy_of(csp_settings.CONTENT_SECURITY_POLICY_ADMIN)
    public = policy_of(csp_settings.CONTENT_SECURITY_POLICY)

    def with_policy(route):
        try:
            response = route.fetch()
            path = urlsplit(route.request.url).path
            policy = admin if path.startswith("/admin/") else public
            headers = {**response.headers, "content-security-policy": policy}
            route.fulfill(response=response, headers=headers)
        except PlaywrightError as error:
            # The tab moved on while this request was in flight: nothing to answer.
            if "disposed" not in str(error):
                raise

    context.route(f"{live_server.url}/**", with_policy)
    tab = context.new_page()
    violations = []
    tab.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    tab.goto(f"{live_server.url}/admin/pages/{page.pk}/edit/")
    # Wagtail's JavaScript ran: the editor's stream field offers its add button.
    tab.wait_for_selector("button[title='Insert a block'], .c-sf-add-button")
    tab.wait_for_load_state("networkidle")
    tab.goto(f"{live_server.url}/admin/")
    tab.wait_for_load_state("networkidle")
    # The public site under its own, strict policy (no script at all).
    tab.goto(live_server.url + page.url)
    assert tab.get_by_role("heading", level=1).inner_text() == "Fair"

    assert violations == [], "\n".join(violations)
    context.close()
