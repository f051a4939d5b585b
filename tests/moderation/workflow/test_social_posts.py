"""Approving a page approves exactly the social posts that go out with it (P2, C4)."""

from django.urls import reverse

from publishing.models import SocialPost
from tests.factories import (
    NewsPageFactory,
    SocialAccountFactory,
    learner_with_consent,
    tagged_image,
)
from tests.moderation.workflow.conftest import signed_in, submit


def with_posts(page, *posts):
    for account, text, include_image in posts:
        page.social_posts.add(
            SocialPost(account=account, text=text, include_image=include_image)
        )
    return page


def test_review_screen_shows_every_post_as_it_will_be_sent(
    news_index, author, approver
):
    photo = tagged_image(learner_with_consent(), title="Choir on stage")
    page = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    closed = SocialAccountFactory(name="Parents group", visibility="closed")
    public = SocialAccountFactory(name="School X")
    with_posts(
        page,
        (closed, "Our choir sang beautifully!", True),
        (public, "Choir news on the website", False),
    )
    submit(page, author)
    task_state = page.current_workflow_task_state

    screen = signed_in(approver).get(
        reverse("moderation_workflow:review", args=(task_state.pk,))
    )

    html = screen.content.decode()
    assert "Parents group" in html
    assert "closed account" in html
    assert "School X" in html
    assert "public account" in html
    assert f"Our choir sang beautifully!\n\n{page.full_url}" in html
    assert "Image: Choir on stage" in html
    assert html.count("Image: ") == 1


def test_consent_check_covers_each_account_the_page_goes_to(
    news_index, author, approver
):
    website_only = learner_with_consent("website")
    photo = tagged_image(website_only, title="Sports day")
    page = NewsPageFactory(parent=news_index, live=False, listing_image=photo)
    with_posts(page, (SocialAccountFactory(name="School X"), "Sports day!", True))

    submit(page, author)

    workflow_state = page.current_workflow_state
    assert workflow_state.status == "needs_changes"
    assert "no consent for public social media" in (
        workflow_state.current_task_state.comment
    )
