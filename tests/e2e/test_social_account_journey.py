"""The head approves a proposed social account, then sees it suspended (A1-A3).

The head signs in (password, then code), opens the proposed account from the link in
the proposal, and approves it: the approval asks for a fresh code, which they give.
An administrator then deactivates one of its two managers in Wagtail's user admin
(a member of staff has left): the head sees the account suspended, with the reason in
plain words, and nothing can be posted to it.
"""

from __future__ import annotations

import re

import pytest
from wagtail.models import Site

from moderation.roles import EDITORS, SENIOR_LEADERSHIP
from publishing.models import SocialAccount
from publishing.services.accounts import account_propose
from tests.e2e.journey_kit import DESKTOP, code_now, shot, sign_in, staff_member

POLICY_CODE = re.compile(r"\b[ACPM]\d\b")


@pytest.fixture
def proposed_account(transactional_db, live_server):
    deputy = staff_member(
        "deputy", SENIOR_LEADERSHIP, first_name="Dev", last_name="Patel"
    )
    managers = [
        staff_member("office", EDITORS, first_name="Olu", last_name="Adeyemi"),
        staff_member("teacher", EDITORS, first_name="Tess", last_name="Morgan"),
    ]
    return account_propose(
        site=Site.objects.get(is_default_site=True),
        proposed_by=deputy,
        managers=managers,
        name="Meadowbank PE",
        network="x",
        handle="@meadowbankpe",
        aim="Share PE fixtures and results with parents.",
        audience="Parents and carers.",
        promotion_plan="The newsletter.",
        visibility="open",
        access_locations="School laptops only.",
        monitoring_plan="The PE lead checks it daily.",
        escalation_procedure="Tell the head; the DSL for safeguarding concerns.",
        owner=managers[1],
    )


def test_the_head_approves_an_account_then_sees_it_suspended_when_a_manager_leaves(
    live_server, proposed_account, browser, settings
):
    head = staff_member("head", SENIOR_LEADERSHIP, first_name="Hana", last_name="Ali")
    admin = staff_member("admin", is_superuser=True, first_name="Ada", last_name="Min")
    account_page = f"/admin/publishing/account/{proposed_account.pk}/"

    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    used = sign_in(page, live_server, head, next_path=account_page)
    assert page.get_by_text("Proposed (awaiting senior leadership)").is_visible()
    shot(page, "account-1-proposed")
    page.get_by_label("Note").fill("Business case is sound; two managers named.")
    # The head signed in a while ago: the code from sign-in is no longer fresh
    # (the step-up window is shortened to nothing instead of waiting 15 minutes).
    settings.OTP_STEP_UP_SECONDS = 0
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    shot(page, "account-2-fresh-code-asked")
    settings.OTP_STEP_UP_SECONDS = 900
    page.get_by_label("Code").fill(code_now(head, after=used))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Code confirmed").wait_for()
    page.get_by_role("button", name="Approve").click()  # the kept form, sent
    page.get_by_text(f"{proposed_account.name} is approved.").wait_for()
    shot(page, "account-3-approved")
    proposed_account.refresh_from_db()
    assert proposed_account.status == SocialAccount.Status.APPROVED
    assert proposed_account.decided_by == head

    # An administrator deactivates a manager who has left, in the user admin.
    admin_page = browser.new_context(**DESKTOP).new_page()
    sign_in(admin_page, live_server, admin, next_path="/admin/users/")
    admin_page.get_by_role("link", name=re.compile("Tess Morgan")).first.click()
    active = admin_page.get_by_role("checkbox", name=re.compile("^Active"))
    assert active.is_checked()
    active.uncheck()
    admin_page.get_by_role("button", name="Save").first.click()
    admin_page.wait_for_load_state("networkidle")
    shot(admin_page, "account-4-manager-deactivated")

    page.goto(live_server.url + account_page)
    status = page.get_by_text("Suspended (fewer than two managers)")
    status.wait_for()
    assert page.get_by_text("Tess Morgan (inactive)").is_visible()
    problem = page.get_by_text("Nothing can be posted to it now")
    assert problem.is_visible()
    assert not POLICY_CODE.search(problem.inner_text()), problem.inner_text()
    shot(page, "account-5-suspended")
    proposed_account.refresh_from_db()
    assert proposed_account.status == SocialAccount.Status.SUSPENDED
    context.close()
