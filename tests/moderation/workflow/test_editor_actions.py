"""The news editor as an editor meets it: one main button, plain words, tick boxes."""

import json
import re

from django.urls import reverse

from tests.factories import NewsCategoryFactory, SocialAccountFactory
from tests.moderation.workflow.conftest import signed_in

POLICY_CODE = re.compile(r"\((?:[PCAMI][1-9])(?:[-–, ]+[PCAMI]?[1-9])*\)")


def add_news_form(client, news_index) -> str:
    url = reverse("wagtailadmin_pages:add", args=("cms", "newspage", news_index.pk))
    return client.get(url).content.decode()


def test_submit_for_approval_is_the_main_button(news_index, author):
    html = add_news_form(signed_in(author), news_index)

    submit_at = html.index("Submit for approval")
    draft_at = html.index("Save draft")

    assert submit_at < draft_at  # the first action is Wagtail's main button
    assert "Submit to " not in html


def test_the_news_form_has_no_policy_codes_and_categories_are_tick_boxes(
    news_index, author
):
    NewsCategoryFactory(name="Sport")
    SocialAccountFactory(name="School Facebook", network="facebook")

    html = add_news_form(signed_in(author), news_index)

    assert not POLICY_CODE.search(html), POLICY_CODE.search(html)
    assert 'type="checkbox" name="categories"' in html
    assert "Sport" in html


def test_include_image_is_ticked_for_a_new_post_with_the_reason_explained(
    news_index, author
):
    from publishing.models import SocialPost

    post = SocialPost()

    assert post.include_image is True
    help_text = SocialPost._meta.get_field("include_image").help_text
    assert "sent back to you saying who and why" in help_text


def test_the_facebook_counter_shows_no_63206_limit(news_index, author):
    facebook = SocialAccountFactory(name="School Facebook", network="facebook")
    x = SocialAccountFactory(name="School X", network="x")

    html = add_news_form(signed_in(author), news_index)

    rules = json.loads(
        re.search(
            r'<script id="publishing-length-rules" type="application/json">'
            r"(.*?)</script>",
            html,
            re.S,
        ).group(1)
    )
    assert rules[str(facebook.pk)]["max"] is None
    assert rules[str(x.pk)]["max"] == 280  # positive control: X keeps its limit
