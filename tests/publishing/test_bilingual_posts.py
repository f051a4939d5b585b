"""A bilingual school's social posts carry both languages, or wait (issue 27 item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.languages import SchoolLanguages
from moderation import roles
from moderation.workflow import parity
from publishing.models import Delivery, SocialPost
from publishing.services.deliveries import deliveries_retract_for_takedown
from publishing.validation import social_post_errors
from tests.factories import NewsPageFactory, staff
from tests.i18n.conftest import bilingual, school  # noqa: F401 (fixtures)
from tests.i18n.test_parity import approve
from tests.moderation.workflow.conftest import signed_in, submit

TOGETHER, PAIR = SocialPost.Languages.TOGETHER, SocialPost.Languages.PAIR


def draft_pair_with_posts(
    bilingual,  # noqa: F811
    account,
    *,
    english="Our trip to the castle!",
    welsh="Ein taith i'r castell!",
    languages=TOGETHER,
    author=None,
):
    """An English draft and its Welsh translation, each with its post to ``account``."""
    english_page = NewsPageFactory(
        parent=bilingual.english.news_index,
        live=False,
        owner=author,
        title="Trip",
        slug="trip",
    )
    SocialPost.objects.create(
        page=english_page, account=account, text=english, languages=languages
    )
    english_page.save_revision(user=author)
    welsh_page = english_page.copy_for_translation(bilingual.welsh)
    welsh_page.title, welsh_page.slug = "Taith", "taith"
    welsh_page.social_posts.update(text=welsh, languages=languages)
    welsh_page.save_revision(user=author)
    return english_page, welsh_page


def x_texts(x_emulator) -> list[str]:
    return [post["text"] for post in x_emulator.state()["posts"]]


def test_one_approval_sends_one_post_in_both_languages_welsh_first(
    bilingual,  # noqa: F811
    x_account,
    x_emulator,
    worker,
    django_capture_on_commit_callbacks,
):
    author, approver = staff("author", roles.EDITORS), staff("ok", roles.APPROVERS)
    english, welsh = draft_pair_with_posts(bilingual, x_account, author=author)
    submit(english, author)

    with django_capture_on_commit_callbacks(execute=True):
        approve(signed_in(approver), english.current_workflow_task_state)
    worker.drain()

    [text] = x_texts(x_emulator)
    assert text.index("Ein taith i'r castell!") < text.index("Our trip to the castle!")
    welsh.refresh_from_db()
    assert "/cy/newyddion/taith/" in text  # the link goes to the first language
    [delivery] = Delivery.objects.all()
    assert delivery.status == Delivery.Status.SENT


def test_english_first_school_puts_english_first(
    bilingual,  # noqa: F811
    x_account,
    x_emulator,
    publish,
    worker,
):
    bilingual_settings = SchoolLanguages.objects.get()
    bilingual_settings.welsh_first = False
    bilingual_settings.save()
    english, welsh = draft_pair_with_posts(bilingual, x_account)

    publish(english)
    publish(welsh)
    worker.drain()

    [text] = x_texts(x_emulator)
    assert text.index("Our trip") < text.index("Ein taith")
    assert "/news/trip/" in text


def test_a_pair_goes_as_two_posts_released_together(
    bilingual,  # noqa: F811
    x_account,
    x_emulator,
    publish,
    worker,
):
    english, welsh = draft_pair_with_posts(bilingual, x_account, languages=PAIR)

    publish(english)
    worker.drain()
    assert x_texts(x_emulator) == []  # English waited for Welsh
    publish(welsh)
    worker.drain()

    texts = sorted(x_texts(x_emulator))
    assert len(texts) == 2
    assert texts[0].startswith("Ein taith") and "/cy/newyddion/taith/" in texts[0]
    assert texts[1].startswith("Our trip") and "/news/trip/" in texts[1]


def test_a_post_in_one_language_alone_waits_and_says_why(
    bilingual,  # noqa: F811
    x_account,
    x_emulator,
    publish,
    worker,
):
    english = NewsPageFactory(parent=bilingual.english.news_index, live=False)
    SocialPost.objects.create(page=english, account=x_account, text="Snow day")

    publish(english)
    worker.drain()

    [delivery] = Delivery.objects.all()
    assert delivery.status == Delivery.Status.WAITING_FOR_LANGUAGE
    assert "Cymraeg version of this post is not live yet" in delivery.reason
    assert x_texts(x_emulator) == []


def test_a_senior_leaders_exception_lets_one_language_post_alone(
    bilingual,  # noqa: F811
    x_account,
    x_emulator,
    publish,
    worker,
):
    head = staff("head2", roles.SENIOR_LEADERSHIP)
    english = NewsPageFactory(parent=bilingual.english.news_index, live=False)
    SocialPost.objects.create(page=english, account=x_account, text="Snow day")
    parity.language_exception_record(
        page=english, missing_language="cy", reason="Nobody in", allowed_by=head
    )

    publish(english)
    worker.drain()

    [text] = x_texts(x_emulator)
    assert text.startswith("Snow day")


def test_approval_is_refused_when_the_welsh_version_has_no_post_of_its_own(
    bilingual,  # noqa: F811
    x_account,
):
    author, approver = staff("author", roles.EDITORS), staff("ok", roles.APPROVERS)
    english, welsh = draft_pair_with_posts(
        bilingual, x_account, welsh="Our trip to the castle!", author=author
    )
    submit(english, author)

    client = signed_in(approver)
    response = approve(client, english.current_workflow_task_state)
    shown = client.get(response.url).content.decode()

    english.refresh_from_db()
    assert not english.live
    assert "The Cymraeg version has no post of its own for School X" in shown
    assert not Delivery.objects.exists()


def test_the_editor_is_told_when_both_languages_do_not_fit_and_offered_the_pair(
    bilingual,  # noqa: F811
    x_account,
):
    english, welsh = draft_pair_with_posts(
        bilingual, x_account, english="Sports day " * 12, welsh="Mabolgampau " * 12
    )
    post = english.social_posts.get()

    errors = social_post_errors(post=post)

    assert (
        "Both languages together are too long for one X (Twitter) post"
        in (errors["text"])
    )
    assert "A post in each language, sent at the same moment" in errors["text"]
    # The editor shows the server's count under the text, and what the script needs
    # to estimate it as one types: Welsh first, 143 + 2 + 131 + the link (2 + 23).
    editor = signed_in(staff("author", roles.EDITORS)).get(
        reverse("wagtailadmin_pages:edit", args=(english.pk,))
    )
    shown = editor.content.decode()
    line = shown[shown.index("data-bilingual-length") :]
    assert "301 characters (with the link to the website) where 280 are" in line
    assert 'data-own-first="false"' in line and 'data-link-length="25"' in line
    assert 'data-partner-text="Mabolgampau' in line
    post.languages = PAIR
    assert "text" not in social_post_errors(post=post)


def test_unpublishing_one_language_withdraws_both_and_deletes_the_post(
    bilingual,  # noqa: F811
    x_account,
    x_emulator,
    publish,
    worker,
    django_capture_on_commit_callbacks,
):
    english, welsh = draft_pair_with_posts(bilingual, x_account)
    publish(english)
    publish(welsh)
    worker.drain()

    with django_capture_on_commit_callbacks(execute=True):
        welsh.unpublish()
    worker.drain()

    english.refresh_from_db()
    assert not english.live
    assert x_texts(x_emulator) == []
    assert Delivery.objects.get().status == Delivery.Status.RETRACTED


def test_a_takedown_of_one_language_reaches_the_others_posts(
    bilingual,  # noqa: F811
    x_account,
    publish,
    django_capture_on_commit_callbacks,
):
    english, welsh = draft_pair_with_posts(bilingual, x_account, languages=PAIR)
    publish(english)
    publish(welsh)

    retracted = deliveries_retract_for_takedown(
        page_ids=[welsh.pk],
        image_ids=[],
        post_urls=[],
        reason="Asked",
        now=timezone.now(),
    )

    assert len(retracted.deliveries) == 2


@pytest.mark.django_db
def test_an_english_only_school_posts_as_before(
    news_index, x_account, x_emulator, publish, worker
):
    page = NewsPageFactory(parent=news_index, live=False)
    SocialPost.objects.create(page=page, account=x_account, text="Sports day")

    publish(page)
    worker.drain()

    [text] = x_texts(x_emulator)
    assert text.startswith("Sports day")
