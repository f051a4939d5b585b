"""The owner connects the school's Bluesky account with an app password (A3).

In a real browser against the Bluesky emulator: a wrong app password is refused in
plain words and nothing is stored; the right one connects the account, signing in
once, and the form never shows the password again.
"""

from __future__ import annotations

import pytest
from wagtail.models import Site

from moderation.roles import EDITORS, SENIOR_LEADERSHIP
from publishing.models import SocialAccount
from publishing.services.accounts import account_approve, account_propose
from tests.e2e.journey_kit import DESKTOP, shot, sign_in, staff_member


@pytest.fixture
def approved_bluesky_account(transactional_db, live_server):
    head = staff_member("head", SENIOR_LEADERSHIP, first_name="Hana", last_name="Ali")
    owner = staff_member("office", EDITORS, first_name="Olu", last_name="Adeyemi")
    second = staff_member("teacher", EDITORS, first_name="Tess", last_name="Morgan")
    account = account_propose(
        site=Site.objects.get(is_default_site=True),
        proposed_by=second,
        managers=[owner, second],
        name="Meadowbank on Bluesky",
        network="bluesky",
        handle="",
        aim="School news for families who left X.",
        audience="Parents and carers.",
        promotion_plan="The newsletter.",
        visibility="open",
        access_locations="School laptops only.",
        monitoring_plan="The office checks it daily.",
        escalation_procedure="Tell the head; the DSL for safeguarding concerns.",
        owner=owner,
    )
    account_approve(account=account, by=head, note="Agreed.")
    return account, owner


def test_the_owner_connects_bluesky_with_an_app_password(
    live_server, approved_bluesky_account, bluesky_emulator, browser, settings
):
    settings.SOCIAL_BLUESKY_PDS_URL = bluesky_emulator.base_url
    account, owner = approved_bluesky_account
    page = browser.new_context(**DESKTOP).new_page()
    sign_in(
        page, live_server, owner, next_path=f"/admin/publishing/account/{account.pk}/"
    )
    page.get_by_role("button", name="Connect").click()
    page.get_by_role("heading", name="Connect Bluesky").wait_for()
    assert page.get_by_text("never the account's own password").is_visible()

    page.get_by_label("Handle").fill(bluesky_emulator.credentials["handle"])
    page.get_by_label("App password").fill("not-the-right-one")
    page.get_by_role("button", name="Connect").click()
    page.get_by_text("Bluesky refused the app password").wait_for()
    shot(page, "bluesky-1-wrong-app-password")
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.NOT_CONNECTED
    assert page.get_by_label("App password").input_value() == ""

    page.get_by_label("App password").fill(bluesky_emulator.credentials["app_password"])
    page.get_by_role("button", name="Connect").click()
    page.get_by_text(
        f"is connected as @{bluesky_emulator.credentials['handle']}"
    ).wait_for()
    shot(page, "bluesky-2-connected")
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert bluesky_emulator.state()["logins"] == 2  # the refused one, then this one
    assert bluesky_emulator.credentials["app_password"] not in page.content()
