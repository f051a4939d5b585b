"""An editor's new photo and an approver's expired code, in a real browser.

The editor signs in, writes news, uploads a photo just taken of a learner, tags
her, adds two social posts and submits: at most 12 actions (counted as in
``journey_kit.Journey``), landing on "My drafts" with one true message. The
approver opens the review screen with a fresh code, waits past the code window and
presses Approve: the reason is the first thing on the reloaded screen, focused,
linked to the code box beside the button. axe checks every staff screen on the way,
on a phone and on a computer (issue 21, items 8-10 and 14).
"""

import re
import time

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.models import NewsPage, SchoolImage
from moderation import roles
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
    wait_for,
    watch_until_live,
)
from tests.e2e.photos import camera_photo
from tests.factories import (
    NewsPageFactory,
    SocialAccountFactory,
    learner_with_consent,
    tagged_image,
)
from tests.school_site import build_school_site

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def school(live_server, home_page):
    """The school, two approved accounts, a consented learner and a photo of her."""
    site = build_school_site(home_page)
    nia = learner_with_consent(first_name="Nia", last_name="Jones", year_group="Y4")
    return {
        "site": site,
        "learner": nia,
        "photo": tagged_image(nia, title="Choir on stage", description="Choir"),
        "accounts": [
            SocialAccountFactory(name="Parents group", visibility="closed"),
            SocialAccountFactory(
                name="School Facebook", network="facebook", visibility="closed"
            ),
        ],
    }


DEVICES = pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])


def width_fits(page, device) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth")
        <= device["viewport"]["width"]
    )


@DEVICES
def test_an_editor_uploads_a_new_photo_of_a_tagged_learner_in_twelve_actions(
    live_server, school, browser, device, tmp_path
):
    editor = staff_member("editor", roles.EDITORS, first_name="Eve", last_name="Ward")
    photo_file = tmp_path / "IMG_0042.jpg"
    photo_file.write_bytes(camera_photo().read())
    page = browser.new_page(**device)
    name = "phone" if device is PHONE else "desktop"
    journey = Journey(page, f"editor-new-photo-{name}")
    found = {}  # screen -> axe's serious findings, all reported at the end

    page.goto(live_server.url + reverse("wagtailadmin_login"))
    journey.type(page.get_by_label("Username"), "editor")
    journey.type(page.get_by_label("Password"), PASSWORD)
    journey.click(page.get_by_role("button", name="Sign in"))
    journey.type(page.get_by_label("Code"), code_now(editor))
    journey.click(page.get_by_role("button", name="Sign in"))
    page.get_by_role("link", name="Write news").wait_for()
    found["dashboard"] = blocking_violations(page)
    journey.click(page.get_by_role("link", name="Write news"))
    journey.type(page.locator("#id_title"), "Choir at the town hall")
    journey.type(page.locator("#id_summary"), "Our choir sang for the mayor.")
    found["news form"] = blocking_violations(page)

    journey.click(page.get_by_role("button", name="Choose an image"))
    upload = page.get_by_role("tabpanel", name="New photo")
    upload.get_by_label("Photo").wait_for()
    journey.screenshot("1-upload-box")
    visible = [
        label.inner_text().strip()
        for label in upload.locator("label.w-field__label").all()
        if label.is_visible()
    ]
    assert "Tags" not in visible and "Keywords to find it later" not in visible
    found["upload box"] = blocking_violations(page)
    journey.upload(upload.get_by_label("Photo"), photo_file)
    journey.type(upload.get_by_label("Description (alt text)"), "Nia singing")
    journey.type(upload.get_by_placeholder("Type part of a name or class"), "Nia")
    journey.click(upload.get_by_text("Nia Jones"))
    assert width_fits(page, device)
    journey.screenshot("2-tagged")
    journey.click(upload.get_by_role("button", name="Upload"))
    page.get_by_text(re.compile("IMG.0042")).first.wait_for()

    for index, account in enumerate(school["accounts"]):
        journey.click(page.get_by_role("button", name="Post to an account"))
        journey.choose(
            page.locator(f"select[name='social_posts-{index}-account']"), str(account)
        )
        journey.type(
            page.locator(f"textarea[name='social_posts-{index}-text']"),
            "Our choir sang for the mayor!",
        )
    journey.click(page.get_by_role("button", name="Submit for approval"))
    page.wait_for_url("**/admin/#my-drafts")
    journey.screenshot("3-my-drafts")
    journey.report()

    outcome = page.locator("[data-submission-outcome]")
    assert "“Choir at the town hall” is sent for approval" in outcome.inner_text()
    assert page.locator(".messages li").count() == 0  # nothing beside it
    box = outcome.bounding_box()
    assert box is not None and 0 <= box["y"] < device["viewport"]["height"]
    assert "Choir at the town hall" in page.locator("[data-mine]").inner_text()
    found["my drafts"] = blocking_violations(page)
    assert width_fits(page, device)
    news = NewsPage.objects.get(title="Choir at the town hall")
    assert news.current_workflow_task_state.status == "in_progress"
    submitted = news.get_latest_revision_as_object()
    uploaded = SchoolImage.objects.get(pk=submitted.listing_image_id)
    assert list(uploaded.learners.all()) == [school["learner"]]
    assert uploaded.copyright_holder == "Meadowbank Primary School"
    assert submitted.social_posts.count() == 2
    assert journey.actions <= 12, journey.report()
    assert found == dict.fromkeys(found, [])


@DEVICES
def test_an_approver_whose_code_window_passed_is_told_first_and_approves(
    back_office, live_server, school, browser, device, settings
):
    settings.OTP_STEP_UP_SECONDS = 20  # the window, shortened so the test waits less
    author = staff_member("author", roles.EDITORS)
    approver = staff_member("approver", roles.APPROVERS)
    news = NewsPageFactory(
        parent=school["site"].news_index,
        title="Sports day",
        live=False,
        listing_image=school["photo"],
    )
    news.social_posts.add(SocialPost(account=school["accounts"][0], text="Sports!"))
    news.save_revision(user=author)
    news.get_workflow().start(news, author)
    task_state = Page.objects.get(pk=news.pk).current_workflow_task_state
    signed_at = time.time()
    context = signed_in_context(browser, live_server, approver, **device)
    page = context.new_page()
    name = "phone" if device is PHONE else "desktop"
    journey = Journey(page, f"approver-code-passed-{name}")

    page.goto(
        live_server.url + reverse("moderation_workflow:review", args=(task_state.pk,))
    )
    journey.actions += 1  # the link in the email
    frame = page.frame_locator("[data-preview-frame]")
    frame.get_by_role("heading", name="Sports day").wait_for()
    assert page.locator("[data-code-field]").count() == 0  # the code is fresh
    # The preview opens at the story, not the site's header.
    story_top = frame.locator("#main").evaluate(
        "main => main.getBoundingClientRect().top"
    )
    assert story_top <= 1
    assert blocking_violations(page) == []
    journey.screenshot("1-review")

    wait_for(lambda: time.time() > signed_at + 21)
    journey.click(page.get_by_role("button", name="Approve and publish"))
    problem = page.locator("[data-decision-problem]")
    problem.wait_for()
    journey.screenshot("2-code-window-passed")
    assert "more than 0 minutes ago" not in problem.inner_text()
    assert "approving needs a new one" in problem.inner_text()
    assert page.evaluate("document.activeElement.id") == "decision-problem"
    box = problem.bounding_box()
    assert box is not None and box["y"] < device["viewport"]["height"]
    assert blocking_violations(page) == []
    journey.click(
        problem.get_by_role("link", name="Type the code beside the Approve button")
    )
    code_box = page.get_by_label("Code from your authenticator app")
    assert page.evaluate("document.activeElement.id") in ("id_otp_token", "")
    journey.type(code_box, code_now(approver))
    journey.click(page.get_by_role("button", name="Approve and publish"))
    # A new photo: approving returns at once and the worker prepares it.
    page.get_by_text("is approved. Preparing 1 photo").wait_for()
    journey.screenshot("3-approved")
    journey.report()
    watch_until_live(page, "Sports day")

    news.refresh_from_db()
    assert news.live
    assert journey.actions <= 4, journey.report()
    assert width_fits(page, device)
    context.close()
