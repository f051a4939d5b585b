"""axe-core on the staff screens issue 21 touched, on a phone and on a computer.

The image chooser dialog is named by its heading; the notice form's message box is
labelled and nothing on it scrolls out of keyboard reach; days outside the month in
the social calendar keep full contrast; the dashboards, the withdraw-consent screens
and the closure form have no serious or critical finding.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from moderation import roles
from publishing.models import Delivery
from tests.e2e.axe import blocking_violations
from tests.e2e.journey_kit import (
    DESKTOP,
    PHONE,
    Journey,
    signed_in_context,
    staff_member,
)
from tests.factories import (
    NewsPageFactory,
    NoticePageFactory,
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
SIZES = pytest.mark.parametrize("size", ["phone", "desktop"])
OPTIONS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def school(live_server, home_page):
    site = build_school_site(home_page)
    nia = learner_with_consent(first_name="Nia", last_name="Jones")
    photo = tagged_image(nia, title="Choir on stage", collection=school_collection())
    news = NewsPageFactory(parent=site.news_index, title="Choir", listing_image=photo)
    account = SocialAccountFactory(name="Parents group", visibility="closed")
    Delivery.objects.create(
        page=news,
        page_title=news.title,
        account=account,
        text="Choir!",
        link=news.full_url,
        status=Delivery.Status.SENT,
        remote_id="1",
        remote_url="https://x.example/status/1",
        sent_at=timezone.make_aware(datetime.datetime(2026, 11, 30, 9, 0)),
        include_image=True,
        image=photo,
        pictured_learner_ids=[nia.pk],
    )
    return {"site": site, "learner": nia}


def open_as(browser, live_server, user, size):
    context = signed_in_context(browser, live_server, user, **OPTIONS[size])
    return context, context.new_page()


@SIZES
def test_the_image_chooser_dialog_is_named_and_passes_axe(
    live_server, school, browser, size
):
    editor = staff_member("editor", roles.EDITORS)
    context, page = open_as(browser, live_server, editor, size)

    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.get_by_role("link", name="Write news").click()
    page.get_by_role("button", name="Choose an image").click()
    dialog = page.get_by_role("dialog", name="Choose an image")
    dialog.get_by_role("tabpanel", name="New photo").wait_for()
    journey = Journey(page, f"a11y-image-chooser-{size}")
    journey.screenshot("new-photo")
    assert blocking_violations(page) == []

    dialog.get_by_role("tab", name="Uploaded photos").click()
    dialog.get_by_role("link", name="Choir on stage").first.wait_for()
    journey.screenshot("uploaded-photos")

    assert dialog.is_visible()
    assert blocking_violations(page) == []
    context.close()


@SIZES
def test_the_closure_form_labels_its_message_and_passes_axe(
    live_server, school, browser, size
):
    office = staff_member("office", roles.EDITORS)
    context, page = open_as(browser, live_server, office, size)

    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.get_by_role("link", name="Urgent closure").click()
    message = page.get_by_role("textbox", name="Message")
    message.wait_for()
    Journey(page, f"a11y-closure-form-{size}").screenshot("form")

    assert message.get_attribute("contenteditable") == "true"
    assert blocking_violations(page) == []
    context.close()


@SIZES
def test_the_dsls_dashboard_and_withdraw_screens_pass_axe(
    live_server, school, browser, size
):
    dsl = staff_member("dsl", roles.SAFEGUARDING, first_name="Sam")
    context, page = open_as(browser, live_server, dsl, size)
    journey = Journey(page, f"a11y-dsl-{size}")

    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.get_by_role("searchbox", name="Withdraw consent for").wait_for()
    journey.screenshot("1-dashboard")
    assert blocking_violations(page) == []
    page.get_by_role("searchbox", name="Withdraw consent for").fill("Nia")
    page.get_by_role("searchbox", name="Withdraw consent for").press("Enter")
    page.get_by_role("link", name="Withdraw one use for Nia Jones").wait_for()
    journey.screenshot("2-found")
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Withdraw one use for Nia Jones").click()
    page.get_by_role("link", name="Withdraw everything").wait_for()
    journey.screenshot("3-learner")
    assert blocking_violations(page) == []
    page.go_back()
    page.get_by_role("link", name="Withdraw everything for Nia Jones").click()
    page.get_by_role("heading", name="Withdraw all consent for Nia Jones?").wait_for()
    journey.screenshot("4-confirm")
    assert blocking_violations(page) == []
    assert (
        page.evaluate("document.documentElement.scrollWidth")
        <= (OPTIONS[size]["viewport"]["width"])
    )
    context.close()


@SIZES
def test_the_heads_dashboard_passes_axe(live_server, school, browser, size):
    head = staff_member("head", roles.SENIOR_LEADERSHIP, roles.HEADTEACHER)
    SocialAccountFactory(name="PTA Facebook", status="proposed")
    context, page = open_as(browser, live_server, head, size)

    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.get_by_role(
        "link", name="Approve or reject the social account “PTA Facebook”"
    ).wait_for()
    Journey(page, f"a11y-head-{size}").screenshot("dashboard")

    assert blocking_violations(page) == []
    context.close()


@SIZES
def test_the_social_calendars_month_keeps_contrast_outside_the_month(
    live_server, school, browser, size
):
    editor = staff_member("editor", roles.EDITORS)
    context, page = open_as(browser, live_server, editor, size)

    page.goto(
        live_server.url + reverse("publishing_calendar") + "?view=month&date=2026-12-01"
    )
    outside = page.locator("[data-day='2026-11-30']")
    outside.get_by_text("Choir").wait_for()
    Journey(page, f"a11y-calendar-month-{size}").screenshot("month")

    assert blocking_violations(page) == []
    context.close()


@SIZES
def test_a_closures_review_screen_shows_every_post_and_passes_axe(
    live_server, school, browser, size
):
    office = staff_member("office", roles.EDITORS)
    approver = staff_member("approver", roles.APPROVERS)
    SocialAccountFactory(name="School Facebook", network="facebook")
    notice = NoticePageFactory(
        parent=school["site"].notices,
        title="School closed today: snow",
        kind="closure",
        live=False,
    )
    notice.save_revision(user=office)
    notice.get_workflow().start(notice, office)
    task_state = Page.objects.get(pk=notice.pk).current_workflow_task_state
    context, page = open_as(browser, live_server, approver, size)

    page.goto(
        live_server.url + reverse("moderation_workflow:review", args=(task_state.pk,))
    )
    posts = page.locator("[data-social-post]")
    posts.first.wait_for()
    Journey(page, f"a11y-closure-review-{size}").screenshot("review")

    assert posts.count() == 2  # both approved accounts, though nobody wrote a post
    assert blocking_violations(page) == []
    context.close()
