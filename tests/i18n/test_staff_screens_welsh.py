"""A teacher who chose Cymraeg reviews a pair in Welsh, and sees the bilingual post."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from moderation import roles
from publishing.models import SocialPost
from tests.factories import SocialAccountFactory, staff
from tests.i18n.test_parity import draft_pair
from tests.moderation.workflow.conftest import signed_in, submit

pytestmark = pytest.mark.django_db


def test_the_review_screen_in_welsh_shows_one_post_in_both_languages(bilingual):
    author, approver = staff("author", roles.EDITORS), staff("ok", roles.APPROVERS)
    profile = UserProfile.get_for_user(approver)
    profile.preferred_language = "cy"
    profile.save()
    account = SocialAccountFactory(name="School X")
    english, welsh = draft_pair(bilingual, author)
    SocialPost.objects.create(page=english, account=account, text="Our trip!")
    SocialPost.objects.create(page=welsh, account=account, text="Ein taith!")
    submit(english, author)
    welsh.save_revision(user=author)
    url = reverse(
        "moderation_workflow:review", args=(english.current_workflow_task_state.pk,)
    )

    html = signed_in(approver).get(url).content.decode()

    assert "Adolygu cyn cyhoeddi" in html  # "Review before publishing"
    assert "Cymeradwyo a chyhoeddi" in html  # "Approve and publish"
    post = html[html.index("data-post-text") :]
    assert post.index("Ein taith!") < post.index("Our trip!")  # Welsh first
    assert "Un neges yn y ddwy iaith" in post


def test_a_teachers_dashboard_calendar_and_editor_are_in_welsh(bilingual):
    teacher = staff("teacher", roles.EDITORS)
    profile = UserProfile.get_for_user(teacher)
    profile.preferred_language = "cy"
    profile.save()
    story = bilingual.english_story
    SocialPost.objects.create(page=story, account=SocialAccountFactory(), text="Hi")
    story.save_revision(user=teacher)
    client = signed_in(teacher)

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    calendar = client.get(reverse("publishing_calendar")).content.decode()
    editor = client.get(
        reverse("wagtailadmin_pages:edit", args=(story.pk,))
    ).content.decode()

    assert "Ysgrifennu newyddion" in dashboard  # "Write news"
    assert "Cau ar frys" in dashboard  # "Urgent closure"
    assert "Cyhoeddwyd yr wythnos hon" in dashboard  # "Published this week"
    assert "Write news" not in dashboard
    assert "Calendr cyfryngau cymdeithasol" in calendar  # "Social calendar"
    assert "Hwyrach" in calendar  # "Later"
    assert "Ychwanegir dolen yn ôl" in editor  # the social post's help text
