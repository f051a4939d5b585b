"""A photo of a learner on the do-not-publish list is refused, with the reason shown.

An editor signs in (password, then the code from their app) and submits a news page
using the photo: the consent check sends it back at once, and the editor reads why
in plain words (no policy codes), while the page stays off the website. The control:
the same journey with a consented photo is not refused.
"""

from __future__ import annotations

import re

import pytest
from wagtail.models import Site

from moderation.roles import EDITORS
from tests.e2e.journey_kit import (
    DESKTOP,
    serve_public_copies,
    shot,
    sign_in,
    staff_member,
)
from tests.e2e.photos import camera_photo
from tests.factories import (
    LearnerFactory,
    NewsPageFactory,
    learner_with_consent,
    tagged_image,
)
from tests.school_site import build_school_site

POLICY_CODE = re.compile(r"\b[CPM]\d\b")


@pytest.fixture
def editor_with_drafts(transactional_db, live_server):
    school = build_school_site(
        Site.objects.get(is_default_site=True).root_page.specific
    )
    editor = staff_member("editor", EDITORS)
    kept_away = LearnerFactory(
        first_name="Ruby", last_name="Stone", do_not_publish=True
    )
    learner_with_consent("website")  # someone else in the register
    refused = NewsPageFactory(
        parent=school.news_index,
        title="Art week",
        live=False,
        owner=editor,
        listing_image=tagged_image(
            kept_away, title="Painting", file__from_file=camera_photo(width=800)
        ),
    )
    refused.save_revision(user=editor)
    fine = NewsPageFactory(
        parent=school.news_index,
        title="Library week",
        live=False,
        owner=editor,
        listing_image=tagged_image(
            learner_with_consent(first_name="Sam"),
            title="Reading corner",
            file__from_file=camera_photo(width=800),
        ),
    )
    fine.save_revision(user=editor)
    return editor, refused, fine


def submit_for_approval(page) -> None:
    """The editor's submit action in the page editor's footer."""
    submit = page.get_by_role("button", name=re.compile(r"^Submit", re.I))
    if not submit.first.is_visible():
        page.get_by_role("button", name="More actions").click()
    submit.first.click()


def test_a_do_not_publish_photo_is_refused_with_the_reason_on_screen(
    live_server, editor_with_drafts, browser
):
    editor, refused, fine = editor_with_drafts
    context = browser.new_context(**DESKTOP)
    serve_public_copies(context)
    page = context.new_page()
    sign_in(page, live_server, editor, next_path=f"/admin/pages/{refused.pk}/edit/")

    submit_for_approval(page)
    page.wait_for_load_state("networkidle")
    reason = page.get_by_text("on the do-not-publish list").first
    reason.wait_for()
    shot(page, "do-not-publish-refused")
    shown = reason.inner_text()
    assert "Painting" in shown  # which photo
    assert not POLICY_CODE.search(page.locator("body").inner_text()), shown
    refused.refresh_from_db()
    assert not refused.live
    anonymous = browser.new_context()
    assert anonymous.request.get(live_server.url + "/news/art-week/").status == 404

    # The control: a consented photo goes on to the approvers, not back.
    page.goto(f"{live_server.url}/admin/pages/{fine.pk}/edit/")
    submit_for_approval(page)
    page.wait_for_load_state("networkidle")
    shot(page, "do-not-publish-control-submitted")
    # One true message about what was just submitted: sent on, not sent back (the
    # list of drafts below still shows "Art week" sent back, with its reason).
    outcome = page.get_by_role("status").filter(has_text="Library week")
    assert "is sent for approval" in outcome.inner_text()
    assert page.get_by_role("alert").filter(has_text="do-not-publish").count() == 0
    fine.refresh_from_db()
    assert fine.current_workflow_task.name == "Approval by an approver"
    anonymous.close()
    context.close()
