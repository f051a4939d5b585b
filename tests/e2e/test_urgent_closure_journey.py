"""An urgent closure drafted and approved on phones is first everywhere (issue 16).

At dawn the office drafts "School closed today" on a phone (390x844) from the
dashboard's "Urgent closure" shortcut: a title and two lines, submitted for
approval; the closure is pinned, ends with the school day and goes to every account
the school runs without further taps. The
head, also on a phone, signs in with a code, reviews it and approves it with a fresh
code. The real worker posts it to X and Facebook once each, and a parent on a phone
finds the closure first on every public page type.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Site

from cms.models import NoticePage
from moderation.roles import APPROVERS, EDITORS, SENIOR_LEADERSHIP
from publishing.models import Delivery
from tests.e2e.journey_kit import PHONE, code_now, shot, sign_in, staff_member, wait_for
from tests.factories import NewsPageFactory, StandardPageFactory
from tests.school_site import build_school_site, pinned_notice

CLOSURE = "School closed today: snow"


@pytest.fixture
def school_before_dawn(back_office, live_server, x_account, facebook_account):
    school = build_school_site(
        Site.objects.get(is_default_site=True).root_page.specific
    )
    # Already in the band: the closure must come before it, not merely appear.
    pinned_notice(school.notices, "Parents' evening moved to Thursday", kind="general")
    news = NewsPageFactory(parent=school.news_index, title="Library reopens")
    standard = StandardPageFactory(parent=school.home, title="Uniform", slug="uniform")
    return school, news, standard


def approve_on_a_phone(
    browser, live_server, settings, user, notice, *, step: str
) -> None:
    """Sign in on a phone, open the review screen, approve with a fresh code.

    The sign-in was a while ago (the step-up window is shortened to nothing while the
    review screen loads, instead of waiting 15 minutes), so the screen asks for a
    code beside the button.
    """
    task_state = notice.current_workflow_task_state
    assert task_state is not None, "the closure is not waiting for approval"
    review = f"/admin/moderation/review/{task_state.pk}/"
    phone = browser.new_context(**PHONE).new_page()
    used = sign_in(phone, live_server, user, next_path="/admin/")
    settings.OTP_STEP_UP_SECONDS = 0
    phone.goto(live_server.url + review)
    phone.get_by_role("heading", name=re.compile(CLOSURE)).first.wait_for()
    settings.OTP_STEP_UP_SECONDS = 900
    # Every post the closure sends, one per account, is there to see (issue 22).
    posts = phone.locator("[data-social-post]")
    expect(posts).to_have_count(2)
    for account in ("X (Twitter)", "Facebook Page"):
        expect(posts.filter(has_text=account)).to_contain_text(CLOSURE)
    phone.get_by_label("Code from your authenticator app").fill(
        code_now(user, after=used)
    )
    shot(phone, f"closure-{step}-review-on-a-phone")
    # The first of two approvals publishes nothing, and its button and message say so.
    phone.get_by_role("button", name=re.compile("^Approve")).click()
    phone.get_by_text(re.compile("not public yet|is on the website now")).wait_for()
    shot(phone, f"closure-{step}-approved")
    phone.context.close()


def test_an_urgent_closure_from_phones_is_first_everywhere_and_on_both_networks(
    live_server, school_before_dawn, browser, x_emulator, facebook_emulator,
    back_office, x_account, facebook_account, settings,
):  # fmt: skip
    school, news, standard = school_before_dawn
    office = staff_member("office", EDITORS, first_name="Olu", last_name="Adeyemi")
    deputy = staff_member("deputy", APPROVERS, first_name="Dev", last_name="Patel")
    head = staff_member(
        "head", SENIOR_LEADERSHIP, APPROVERS, first_name="Hana", last_name="Ali"
    )

    # The office drafts the closure on a phone.
    phone = browser.new_context(**PHONE).new_page()
    sign_in(phone, live_server, office, next_path="/admin/")
    phone.get_by_role("link", name=re.compile("Urgent closure")).click()
    # The shortcut's form is a school closure already (set by the server).
    kind = phone.get_by_role("combobox", name=re.compile("^Kind"))
    expect(kind).to_have_value("closure")
    phone.get_by_role("textbox", name=re.compile("^Title")).fill(CLOSURE)
    message = phone.get_by_role("textbox", name="Message")
    message.click()
    message.type("Heavy snow overnight: the school is closed all day.")
    # Draftail copies what was typed into the form a moment later.
    expect(phone.locator('input[name="message"]')).to_have_value(
        re.compile("Heavy snow overnight")
    )
    # Nothing else: a closure is pinned, ends with the school day and goes to every
    # approved account by itself.
    shot(phone, "closure-1-drafted-on-a-phone")
    phone.get_by_role("button", name="More actions").click()
    phone.get_by_role("button", name=re.compile("^Submit")).first.click()
    phone.wait_for_load_state("networkidle")
    shot(phone, "closure-2-submitted")

    # An approver, then the head (a closure needs senior leadership), each on a phone.
    notice = NoticePage.objects.get(title=CLOSURE)
    approve_on_a_phone(
        browser, live_server, settings, deputy, notice, step="3-approver"
    )
    notice.refresh_from_db()
    assert not notice.live  # one approver is not enough for a closure
    approve_on_a_phone(browser, live_server, settings, head, notice, step="4-head")

    sent = wait_for(
        lambda: (
            Delivery.objects.filter(page=notice, status=Delivery.Status.SENT).count()
            == 2
        )
    )
    assert sent, back_office.log("worker")
    [tweet] = x_emulator.state()["posts"]
    [facebook_post] = facebook_emulator.state()["posts"]
    for post in (tweet, facebook_post):
        assert CLOSURE in post["text"] and "closed all day" in post["text"]

    # A parent on a phone: the closure comes first on every public page type.
    notice.refresh_from_db()
    parent = browser.new_context(**PHONE).new_page()
    paths = {
        "home": "/",
        "news-index": school.news_index.url,
        "news-page": news.url,
        "notices": school.notices.url,
        "notice": notice.url,
        "standard-page": standard.url,
        "social-media": school.social_media.url,
        "search": "/search/?q=snow",
        "term-dates": "/term-dates/",
        "not-found": "/no-such-page/",
    }
    for name, path in paths.items():
        parent.goto(live_server.url + path)
        first = parent.locator("main").locator("p, h1, h2, li, a, strong").first
        assert CLOSURE in first.inner_text(), name
        band = parent.get_by_role("region", name="Important notices").inner_text()
        assert band.index(CLOSURE) < band.index("Parents' evening moved"), name
        shot(parent, f"closure-5-parent-{name}")
