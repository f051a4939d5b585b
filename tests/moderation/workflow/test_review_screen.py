"""The review screen an approver signs: preview, changes, photos, posts, code."""

import time

from django.urls import reverse
from django_otp.oath import TOTP
from wagtail.models import TaskState

from publishing.models import SocialPost
from tests.factories import (
    ConsentRecordFactory,
    NewsPageFactory,
    NoticeIndexPageFactory,
    SocialAccountFactory,
    learner_with_consent,
    tagged_image,
)
from tests.moderation.workflow.conftest import signed_in, staff, submit
from tests.school_site import pinned_notice


def review_url(task_state) -> str:
    return reverse("moderation_workflow:review", args=(task_state.pk,))


def preview_url(task_state) -> str:
    return reverse("moderation_workflow:review_preview", args=(task_state.pk,))


def current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_the_preview_may_be_framed_by_the_review_screen_only(draft, author, approver):
    draft.title = "Harvest festival"
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver)

    screen = client.get(review_url(task_state))
    preview = client.get(preview_url(task_state))

    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "Harvest festival" in preview.content.decode()
    assert preview_url(task_state) in screen.content.decode()
    # The rest of the admin still refuses every frame.
    assert screen["X-Frame-Options"] == "DENY"


def test_the_preview_is_not_shown_to_staff_with_no_part_in_the_page(draft, author):
    submit(draft, author)
    bystander = staff("bystander", is_staff=True)
    bystander.user_permissions.add(*_admin_access())

    response = signed_in(bystander).get(preview_url(draft.current_workflow_task_state))

    # Wagtail's admin answers a refusal by sending the user to the dashboard.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def _admin_access():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="access_admin")


def test_approver_types_the_code_on_the_review_screen_and_approves_at_once(
    draft, author, approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver, verified_at=time.time() - 20 * 60)
    device = approver.totpdevice_set.get()

    screen = client.get(review_url(task_state))
    response = client.post(
        review_url(task_state),
        {
            "action": "approve",
            "revision_id": task_state.revision_id,
            "otp_token": current_code(device),
        },
    )

    assert b"Code from your authenticator app" in screen.content
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live


def test_a_wrong_code_on_the_review_screen_publishes_nothing_and_says_so(
    draft, author, approver
):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver, verified_at=time.time() - 20 * 60)
    device = approver.totpdevice_set.get()
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(
        review_url(task_state),
        {
            "action": "approve",
            "revision_id": task_state.revision_id,
            "otp_token": wrong,
        },
    )

    assert response.status_code == 400
    assert b"That code is not right" in response.content
    draft.refresh_from_db()
    assert not draft.live
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"


def test_a_fresh_session_is_not_asked_for_the_code_again(draft, author, approver):
    submit(draft, author)

    screen = signed_in(approver).get(review_url(draft.current_workflow_task_state))

    assert b"data-approve-form" in screen.content
    assert b"data-code-field" not in screen.content


def test_a_new_page_says_it_is_new(draft, author, approver):
    submit(draft, author)

    html = signed_in(approver).get(review_url(draft.current_workflow_task_state))

    assert "This is a new page" in html.content.decode()


def test_the_changes_since_the_live_version_are_shown(news_index, author, approver):
    page = NewsPageFactory(parent=news_index, title="Sports day", live=True)
    page.title = "Sports day moved to Friday"
    submit(page, author)

    html = (
        signed_in(approver)
        .get(review_url(page.current_workflow_task_state))
        .content.decode()
    )

    assert "Compared with the version on the website now" in html
    assert "Title" in html
    assert "moved to Friday" in html


def test_each_photo_shows_who_is_pictured_and_consent_per_channel(
    news_index, author, approver
):
    nia = learner_with_consent(first_name="Nia", last_name="Jones")
    photo = tagged_image(nia, title="Choir on stage")
    page = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    account = SocialAccountFactory(name="Parents group", visibility="closed")
    page.social_posts.add(
        SocialPost(account=account, text="Choir!", include_image=True)
    )
    submit(page, author)
    task_state = page.current_workflow_task_state
    before = signed_in(approver).get(review_url(task_state)).content.decode()
    # While the page waits, the parent withdraws consent for social media.
    ConsentRecordFactory(learner=nia, use="closed_social", given=False)

    html = signed_in(approver).get(review_url(task_state)).content.decode()

    assert "Parents group (X (Twitter)), closed account: consent allows it" in before
    assert "Choir on stage" in html
    assert "Pictured: N.J." in html  # approvers see initials, not the register
    assert "The website: consent allows it" in html
    assert "Parents group (X (Twitter)), closed account: not allowed" in html
    assert "no consent for closed social media accounts" in html


def test_the_consent_officer_sees_full_names(news_index, author, approver):
    officer = staff("officer", "Safeguarding")
    photo = tagged_image(learner_with_consent(first_name="Nia", last_name="Jones"))
    page = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    submit(page, author)

    html = signed_in(officer).get(review_url(page.current_workflow_task_state))

    assert "Pictured: Nia Jones" in html.content.decode()


def test_each_social_post_is_drawn_as_its_network_shows_it(
    news_index, author, approver
):
    photo = tagged_image(learner_with_consent(), title="Sports day")
    page = NewsPageFactory(
        parent=news_index, live=False, listing_image=photo, title="Sports day"
    )
    x = SocialAccountFactory(name="School X", network="x", visibility="closed")
    page.social_posts.add(SocialPost(account=x, text="Races!", include_image=True))
    submit(page, author)

    html = (
        signed_in(approver)
        .get(review_url(page.current_workflow_task_state))
        .content.decode()
    )

    assert "social-card--x" in html
    assert "Races!" in html
    assert "Image: Sports day" in html
    assert 'class="social-card__link"' in html


def test_a_code_window_that_passed_says_so_first_and_links_to_the_code_box(
    draft, author, approver
):
    """The screen was shown with a fresh code; by the time Approve was pressed the
    window had passed: the reloaded screen opens on why, not on the preview."""
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver, verified_at=time.time() - 20 * 60)

    response = client.post(
        review_url(task_state),
        {
            "action": "approve",
            "revision_id": task_state.revision_id,
            "code_was_fresh": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    problem_at = html.index("data-decision-problem")
    assert problem_at < html.index("data-review-preview")
    problem = html[problem_at : html.index("</div>", problem_at)]
    assert "more than 15 minutes ago" in problem
    assert 'href="#id_otp_token"' in problem
    assert "autofocus" in html[html.rindex("<div", 0, problem_at) : problem_at]
    # The code box sits with the Approve button.
    code_at = html.index('id="id_otp_token"')
    assert code_at < html.index("Approve and publish") < html.index("Request changes")
    draft.refresh_from_db()
    assert not draft.live


def test_a_wrong_code_is_named_at_the_top(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state
    client = signed_in(approver, verified_at=time.time() - 20 * 60)
    device = approver.totpdevice_set.get()
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    html = client.post(
        review_url(task_state),
        {
            "action": "approve",
            "revision_id": task_state.revision_id,
            "otp_token": wrong,
        },
    ).content.decode()

    problem_at = html.index("data-decision-problem")
    assert "That code is not right" in html[problem_at : problem_at + 600]
    assert problem_at < html.index("data-review-preview")


def test_sending_back_without_saying_why_is_named_at_the_top(draft, author, approver):
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    html = (
        signed_in(approver)
        .post(review_url(task_state), {"action": "reject", "comment": ""})
        .content.decode()
    )

    problem_at = html.index("data-decision-problem")
    assert "Say what needs to change" in html[problem_at : problem_at + 600]
    assert 'href="#changes_comment"' in html[problem_at : problem_at + 900]


def test_the_preview_opens_at_the_story_not_the_site_header(
    home_page, draft, author, approver
):
    pinned_notice(NoticeIndexPageFactory(parent=home_page), "Closed for half term")
    submit(draft, author)
    task_state = draft.current_workflow_task_state

    html = signed_in(approver).get(review_url(task_state)).content.decode()
    preview = signed_in(approver).get(preview_url(task_state)).content.decode()

    assert f'src="{preview_url(task_state)}#story"' in html
    # After the header and the pinned notices, just before the story itself.
    assert preview.index('class="pinned-band"') < preview.index('id="story"')
    assert preview.index('id="story"') < preview.index("<h1")
