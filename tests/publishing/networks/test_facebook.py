"""The Facebook Page adapter over real HTTP: facebook-sdk's GraphAPI to the emulator."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from publishing.networks.base import (
    AuthExpired,
    DuplicatePost,
    ImageFile,
    OutcomeUnknown,
    PermanentRefusal,
    TransientNetworkError,
    network_class,
)
from publishing.networks.facebook import FacebookPageNetwork

LINK = "https://school.example/news/harvest-festival/"


def page_network(emulator, **overrides) -> FacebookPageNetwork:
    credentials = emulator.credentials | overrides.pop("credentials", {})
    return FacebookPageNetwork(
        credentials=credentials, base_url=emulator.base_url, **overrides
    )


def test_publishes_a_feed_post_with_the_link(facebook_emulator):
    result = page_network(facebook_emulator).publish(
        text="Harvest festival on Friday.", images=[], link=LINK
    )

    [post] = facebook_emulator.state()["posts"]
    assert post["id"] == result.remote_id
    assert result.remote_id.startswith(f"{facebook_emulator.page_id}_")
    assert (post["text"], post["link"]) == ("Harvest festival on Friday.", LINK)
    assert result.url == f"{facebook_emulator.base_url}/{result.remote_id}"


def test_uses_the_configured_graph_version_not_facebook_sdks_retired_one(
    facebook_emulator,
):
    with override_settings(SOCIAL_FACEBOOK_GRAPH_VERSION="v22.0"):
        network = page_network(facebook_emulator)
    network.publish(text="Version check", images=[])

    assert facebook_emulator.state()["api_versions"] == ["v22.0"]


def test_a_graph_version_in_the_wrong_form_is_a_configuration_error(
    facebook_emulator,
):
    with pytest.raises(ImproperlyConfigured, match="must look like 'v21.0', not '3.1'"):
        page_network(facebook_emulator, graph_version="3.1")


def test_publishes_a_photo_post_with_the_link_in_its_caption(
    facebook_emulator, sports_day_photo
):
    result = page_network(facebook_emulator).publish(
        text="Sports day!", images=[sports_day_photo], link=LINK
    )

    [post] = facebook_emulator.state()["posts"]
    assert post["id"] == result.remote_id
    assert post["text"] == f"Sports day!\n\n{LINK}"
    assert [(m["filename"], m["alt_text"]) for m in post["media"]] == [
        ("sports-day.png", "The finish line on sports day")
    ]


def test_one_image_per_post(facebook_emulator, sports_day_photo):
    with pytest.raises(PermanentRefusal, match="at most 1 image"):
        page_network(facebook_emulator).publish(
            text="Gallery", images=[sports_day_photo, sports_day_photo]
        )


def test_retract_deletes_the_post_and_a_second_time_finds_it_gone(facebook_emulator):
    network = page_network(facebook_emulator)
    result = network.publish(text="Coffee morning", images=[])

    first = network.retract(remote_id=result.remote_id)
    second = network.retract(remote_id=result.remote_id)

    assert (first.already_gone, second.already_gone) == (False, True)
    assert facebook_emulator.state()["posts"] == []


def test_pin_and_unpin(facebook_emulator):
    network = page_network(facebook_emulator)
    notice = network.publish(
        text="We reply between 8am and 4pm on school days.", images=[]
    )
    network.publish(text="A later post", images=[])

    pinned = network.pin(remote_id=notice.remote_id)

    assert pinned.pinned is True
    first = facebook_emulator.state()["posts"][0]
    assert (first["id"], first["pinned"]) == (notice.remote_id, True)

    unpinned = network.unpin(remote_id=notice.remote_id)

    assert unpinned.pinned is False
    assert not any(post["pinned"] for post in facebook_emulator.state()["posts"])


def test_pinning_a_deleted_post_says_so(facebook_emulator):
    with pytest.raises(PermanentRefusal, match="Facebook has no such post"):
        page_network(facebook_emulator).pin(remote_id="200000000000002_1")


def test_declared_capabilities_and_settings_map():
    assert network_class("facebook") is FacebookPageNetwork
    assert FacebookPageNetwork.supports_pin and FacebookPageNetwork.supports_delete
    assert FacebookPageNetwork.name == "facebook"


# --- failures -------------------------------------------------------------------------


def test_an_expired_page_token_asks_for_a_reconnect(facebook_emulator):
    facebook_emulator.fail_next("unauthorized")

    with pytest.raises(AuthExpired) as expired:
        page_network(facebook_emulator).publish(text="Hello", images=[])

    assert "Session has expired" in expired.value.reason
    assert "connect the Facebook Page again" in expired.value.reason


def test_a_wrong_token_is_refused(facebook_emulator):
    network = page_network(facebook_emulator, credentials={"page_access_token": "EAAx"})

    with pytest.raises(AuthExpired, match="Invalid OAuth access token"):
        network.publish(text="Hello", images=[])
    assert facebook_emulator.state()["posts"] == []


def test_duplicate_message_is_refused_in_facebooks_words(facebook_emulator):
    network = page_network(facebook_emulator)
    network.publish(text="Non-uniform day", images=[])

    with pytest.raises(DuplicatePost) as refused:
        network.publish(text="Non-uniform day", images=[])

    assert refused.value.reason == (
        "Facebook refused the request: (#506) Duplicate status message"
    )


def test_rate_limit_waits_as_long_as_the_usage_header_estimates(facebook_emulator):
    facebook_emulator.fail_next(status=429, retry_after=300)

    with pytest.raises(TransientNetworkError) as limited:
        page_network(facebook_emulator).publish(text="Hello", images=[])

    assert limited.value.retry_after == 300  # estimated_time_to_regain_access: 5 min
    assert "Page request limit reached" in limited.value.reason


def test_a_rate_limit_error_code_without_429_is_still_transient(facebook_emulator):
    facebook_emulator.fail_next("rate_limited", retry_after=60)

    with pytest.raises(TransientNetworkError) as limited:
        page_network(facebook_emulator).publish(text="Hello", images=[])

    assert limited.value.retry_after == 60


def test_a_server_error_is_transient(facebook_emulator):
    facebook_emulator.fail_next(status=500)

    with pytest.raises(TransientNetworkError, match="temporary problem"):
        page_network(facebook_emulator).publish(text="Hello", images=[])


def test_no_answer_within_the_timeout_is_transient(facebook_emulator):
    facebook_emulator.fail_next("timeout", hold_seconds=10)

    with pytest.raises(TransientNetworkError, match="did not answer within 0.2"):
        page_network(facebook_emulator, timeout=0.2).publish(text="Hi", images=[])


def test_a_timeout_can_hide_a_post_and_the_retry_then_says_duplicate(
    facebook_emulator,
):
    facebook_emulator.fail_next("timeout_after_success", hold_seconds=10)
    network = page_network(facebook_emulator, timeout=0.3)

    with pytest.raises(TransientNetworkError):
        network.publish(text="Snow day: school closed", images=[])
    with pytest.raises(DuplicatePost):
        network.publish(text="Snow day: school closed", images=[])

    assert len(facebook_emulator.state()["posts"]) == 1


def test_a_success_without_a_post_id_is_an_unknown_outcome(
    facebook_emulator, sports_day_photo
):
    network = page_network(facebook_emulator)
    facebook_emulator.fail_next("empty_success", times=2)

    for images in ([], [sports_day_photo]):
        with pytest.raises(OutcomeUnknown, match="without the new post's id"):
            network.publish(text="Hello", images=images)


def test_an_html_page_is_an_unknown_outcome_and_a_failing_server_transient(
    facebook_emulator,
):
    facebook_emulator.fail_next("html", status=200)
    with pytest.raises(OutcomeUnknown, match="answered with a web page"):
        page_network(facebook_emulator).publish(text="Hello", images=[])

    facebook_emulator.fail_next("html", status=503)
    with pytest.raises(TransientNetworkError, match="answered with a web page"):
        page_network(facebook_emulator).publish(text="Hello", images=[])


def test_a_refused_photo_carries_facebooks_words(facebook_emulator, sports_day_photo):
    facebook_emulator.fail_next("media_refused")

    with pytest.raises(PermanentRefusal, match=r"\(#324\) Requires upload file"):
        page_network(facebook_emulator).publish(text="Hi", images=[sports_day_photo])


def test_a_file_that_is_not_an_image_is_refused_before_sending(facebook_emulator):
    letter = ImageFile(
        content=b"%PDF", filename="letter.pdf", mime_type="application/pdf"
    )

    with pytest.raises(PermanentRefusal, match="does not accept 'letter.pdf'"):
        page_network(facebook_emulator).publish(text="Letter", images=[letter])


def test_no_token_is_logged_or_put_in_a_url(facebook_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    network = page_network(facebook_emulator)
    network.publish(text="Hello", images=[])
    facebook_emulator.fail_next("timeout", hold_seconds=10)
    with pytest.raises(TransientNetworkError) as failed:
        page_network(facebook_emulator, timeout=0.2).publish(text="Hi", images=[])

    token = facebook_emulator.page_access_token
    assert "POST /v21.0/200000000000002/feed -> 200" in caplog.text
    assert token not in caplog.text
    assert token not in failed.value.reason


def test_recent_posts_reads_the_pages_posts_and_photos_back_to_a_time(
    facebook_emulator, sports_day_photo
):
    network = page_network(facebook_emulator)
    started = datetime.now(UTC) - timedelta(seconds=1)
    text_post = network.publish(
        text="Open evening", images=[], link="https://school.example/open/?ref=1"
    )
    photo_post = network.publish(
        text="Sports day",
        images=[sports_day_photo],
        link="https://school.example/?ref=2",
    )

    posts = network.recent_posts(since=started, include_photos=True)

    by_id = {}
    for post in posts:
        by_id.setdefault(post.remote_id, []).append(post.text)
    assert set(by_id) == {text_post.remote_id, photo_post.remote_id}
    assert len(by_id[photo_post.remote_id]) == 2  # in the feed and as a photo
    assert "https://school.example/?ref=2" in by_id[photo_post.remote_id][1]
    later = network.recent_posts(since=datetime.now(UTC) + timedelta(minutes=5))
    assert later == []


def test_recent_posts_follows_the_cursors_past_a_hundred(facebook_emulator):
    network = page_network(facebook_emulator)
    for number in range(105):
        network.publish(text=f"Notice {number}", images=[])

    posts = network.recent_posts(since=datetime.now(UTC) - timedelta(hours=1))

    assert len(posts) == 105
    assert posts[0].text == "Notice 104"  # newest first
    assert posts[-1].text == "Notice 0"


def test_recent_posts_that_cannot_be_read_raise(facebook_emulator):
    facebook_emulator.fail_next(status=503, path_contains="/posts")
    with pytest.raises(TransientNetworkError):
        page_network(facebook_emulator).recent_posts(since=datetime.now(UTC))
