"""The staff side in a real browser: the editor, the approver and the consent officer.

Each journey counts the actions a person needs (see ``staff_journeys``), checks what
they would notice at the end, saves screenshots under test-artifacts/ and runs
axe-core on the screens this project adds.
"""

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.models import NewsPage
from moderation import roles
from moderation.models import ConsentRecord
from publishing.models import SocialPost
from tests.e2e.axe import blocking_violations
from tests.e2e.journey_kit import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Journey,
    code_now,
    signed_in_context,
    staff_member,
)
from tests.factories import (
    NewsPageFactory,
    SocialAccountFactory,
    learner_with_consent,
    school_collection,
    tagged_image,
)
from tests.school_site import build_school_site

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def school(live_server, home_page):
    """The school, two approved accounts, a consented learner in a tagged photo."""
    site = build_school_site(home_page)
    nia = learner_with_consent(first_name="Nia", last_name="Jones", year_group="Y4")
    photo = tagged_image(
        nia,
        title="Choir on stage",
        description="The choir singing",
        collection=school_collection(),
    )
    parents = SocialAccountFactory(name="Parents group", visibility="closed")
    facebook = SocialAccountFactory(
        name="School Facebook", network="facebook", visibility="closed"
    )
    return {
        "site": site,
        "learner": nia,
        "photo": photo,
        "accounts": [parents, facebook],
    }


def test_an_editor_submits_news_with_a_photo_and_two_posts_in_twelve_actions(
    live_server, school, browser
):
    editor = staff_member("editor", roles.EDITORS, first_name="Eve", last_name="Ward")
    page = browser.new_page(**PHONE)
    journey = Journey(page, "editor")

    page.goto(live_server.url + reverse("wagtailadmin_login"))
    journey.type(page.get_by_label("Username"), "editor")
    journey.type(page.get_by_label("Password"), PASSWORD)
    journey.click(page.get_by_role("button", name="Sign in"))
    journey.type(page.get_by_label("Code"), code_now(editor))
    journey.click(page.get_by_role("button", name="Sign in"))
    journey.screenshot("1-dashboard")
    journey.click(page.get_by_role("link", name="Write news"))
    journey.type(page.locator("#id_title"), "Choir at the town hall")
    journey.type(page.locator("#id_summary"), "Our choir sang for the mayor.")
    journey.click(page.get_by_role("button", name="Choose an image"))
    journey.click(page.get_by_role("tab", name="Uploaded photos"))
    journey.click(page.get_by_role("link", name="Choir on stage").first)
    page.get_by_text("Choir on stage").first.wait_for()
    for index, account in enumerate(school["accounts"]):
        journey.click(page.get_by_role("button", name="Post to an account"))
        journey.choose(
            page.locator(f"select[name='social_posts-{index}-account']"), str(account)
        )
        journey.type(
            page.locator(f"textarea[name='social_posts-{index}-text']"),
            "Our choir sang for the mayor!",
        )
    journey.screenshot("2-news-form")
    journey.click(page.get_by_role("button", name="Submit for approval"))
    page.wait_for_load_state()
    journey.screenshot("3-submitted")
    journey.report()

    news = NewsPage.objects.get(title="Choir at the town hall")
    assert news.current_workflow_task_state is not None
    assert news.current_workflow_task_state.status == "in_progress"
    submitted = news.get_latest_revision_as_object()
    assert submitted.listing_image_id == school["photo"].pk
    assert submitted.social_posts.count() == 2
    assert journey.actions <= 12, journey.report()


def test_an_approver_goes_from_the_email_link_to_approved_in_four_actions(
    live_server, school, browser
):
    author = staff_member("author", roles.EDITORS)
    approver = staff_member("approver", roles.APPROVERS)
    news = NewsPageFactory(
        parent=school["site"].news_index,
        title="Sports day",
        live=False,
        listing_image=school["photo"],
    )
    news.social_posts.add(
        SocialPost(
            account=school["accounts"][0], text="Sports day!", include_image=True
        )
    )
    news.save_revision(user=author)
    news.get_workflow().start(news, author)
    task_state = Page.objects.get(pk=news.pk).current_workflow_task_state
    link = live_server.url + reverse(
        "moderation_workflow:review", args=(task_state.pk,)
    )
    context = signed_in_context(
        browser,
        live_server,
        approver,
        code_age_seconds=20 * 60,
        **PHONE,
    )
    page = context.new_page()
    journey = Journey(page, "approver")

    page.goto(link)  # the link in the email
    journey.actions += 1
    page.frame_locator("[data-preview-frame]").get_by_role(
        "heading", name="Sports day"
    ).wait_for()
    journey.screenshot("1-review-screen")
    assert blocking_violations(page) == []
    journey.type(
        page.get_by_label("Code from your authenticator app"), code_now(approver)
    )
    journey.click(page.get_by_role("button", name="Approve and publish"))
    page.get_by_text("is on the website now").wait_for()
    journey.screenshot("2-approved")
    journey.report()

    news.refresh_from_db()
    assert news.live
    assert journey.actions <= 4, journey.report()
    # The preview was visible on the phone, not "refused to connect".
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"]
    context.close()


def test_the_consent_officer_withdraws_everything_in_four_actions(
    live_server, school, browser
):
    """From the dashboard's shortcut, through a confirmation listing what goes."""
    officer = staff_member("officer", roles.SAFEGUARDING, first_name="Sam")
    context = signed_in_context(browser, live_server, officer, **DESKTOP)
    page = context.new_page()
    journey = Journey(page, "consent-officer")

    page.goto(live_server.url + reverse("wagtailadmin_home"))
    search = page.get_by_role("searchbox", name="Withdraw consent for")
    journey.type(search, "Nia")
    journey.press_enter(search)
    journey.click(page.get_by_role("link", name="Withdraw everything for Nia Jones"))
    confirmation = page.locator("[data-withdraw-everything]")
    confirmation.get_by_text("Choir on stage").wait_for()
    journey.screenshot("1-confirm")
    assert blocking_violations(page) == []
    # Nothing is withdrawn until the officer confirms.
    assert not ConsentRecord.objects.filter(learner=school["learner"], given=False)
    journey.click(page.get_by_role("button", name="Yes, withdraw everything"))
    page.get_by_text("All consent for Nia Jones is withdrawn").wait_for()
    journey.screenshot("2-withdrawn")
    journey.report()

    newest = ConsentRecord.objects.filter(learner=school["learner"]).latest_first()
    assert {record.given for record in newest[:4]} == {False}
    assert journey.actions <= 4, journey.report()
    context.close()


def test_the_dashboard_has_no_serious_accessibility_problems(
    live_server, school, browser
):
    editor = staff_member("editor", roles.EDITORS)
    context = signed_in_context(browser, live_server, editor, **PHONE)
    page = context.new_page()

    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.get_by_role("link", name="Write news").wait_for()
    Journey(page, "dashboard").screenshot("phone")

    assert blocking_violations(page) == []
    context.close()


def test_the_social_calendar_reads_on_a_phone(live_server, school, browser):
    editor = staff_member("editor", roles.EDITORS)
    context = signed_in_context(browser, live_server, editor, **PHONE)
    page = context.new_page()

    page.goto(live_server.url + reverse("publishing_calendar"))
    page.get_by_role("heading", name="Social calendar").wait_for()
    Journey(page, "calendar").screenshot("phone")

    assert blocking_violations(page) == []
    assert (
        page.evaluate("document.documentElement.scrollWidth")
        <= PHONE["viewport"]["width"]
    )
    context.close()
