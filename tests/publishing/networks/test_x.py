"""The X adapter over real HTTP: tweepy's Client and OAuth1 to the emulator."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from emulators.x import XEmulator
from publishing.networks.base import (
    AuthExpired,
    DuplicatePost,
    ImageFile,
    OutcomeUnknown,
    PermanentRefusal,
    TransientNetworkError,
    network_class,
)
from publishing.networks.x import XNetwork, weighted_length

LINK = "https://school.example/news/snow-day/"
FROZEN_NOW = 1_900_000_000.0


def x_network(emulator, **overrides) -> XNetwork:
    credentials = emulator.credentials | overrides.pop("credentials", {})
    return XNetwork(credentials=credentials, base_url=emulator.base_url, **overrides)


def test_publishes_text_with_the_link_back_to_the_website(x_emulator):
    result = x_network(x_emulator).publish(
        text="The school is closed today.", images=[], link=LINK
    )

    [post] = x_emulator.state()["posts"]
    assert post["id"] == result.remote_id
    assert post["text"] == f"The school is closed today.\n\n{LINK}"
    assert result.url == f"{x_emulator.base_url}/i/web/status/{result.remote_id}"


def test_a_link_already_in_the_text_is_not_added_twice(x_emulator):
    x_network(x_emulator).publish(text=f"Closed today: {LINK}", images=[], link=LINK)

    [post] = x_emulator.state()["posts"]
    assert post["text"] == f"Closed today: {LINK}"


def test_publishes_an_image_through_the_media_upload(x_emulator, sports_day_photo):
    result = x_network(x_emulator).publish(
        text="Sports day!", images=[sports_day_photo]
    )

    [post] = x_emulator.state()["posts"]
    assert post["id"] == result.remote_id
    assert [(m["filename"], m["mime_type"], m["alt_text"]) for m in post["media"]] == [
        ("sports-day.png", "image/png", "The finish line on sports day")
    ]


def test_an_image_description_longer_than_x_allows_is_refused(x_emulator):
    image = ImageFile(
        content=b"GIF89a", filename="a.gif", mime_type="image/gif", alt_text="a" * 1001
    )

    with pytest.raises(
        PermanentRefusal, match="is 1001 characters long; X allows 1000"
    ):
        x_network(x_emulator).publish(text="Described", images=[image])


def test_retract_deletes_the_post(x_emulator):
    network = x_network(x_emulator)
    result = network.publish(text="Trip letter reminder", images=[])

    retracted = network.retract(remote_id=result.remote_id)

    assert retracted.remote_id == result.remote_id
    assert retracted.already_gone is False
    assert x_emulator.state()["posts"] == []


def test_retracting_a_post_already_gone_counts_as_retracted(x_emulator):
    network = x_network(x_emulator)
    result = network.publish(text="Deleted by hand on X", images=[])
    network.retract(remote_id=result.remote_id)

    again = network.retract(remote_id=result.remote_id)

    assert again.already_gone is True


def test_x_cannot_pin(x_emulator):
    network = x_network(x_emulator)
    assert network.supports_pin is False
    with pytest.raises(PermanentRefusal, match="X has no way to pin a post"):
        network.pin(remote_id="1")


def test_declared_capabilities():
    assert (XNetwork.name, XNetwork.max_length, XNetwork.max_images) == ("x", 280, 4)
    assert XNetwork.supports_media and XNetwork.supports_delete


def test_the_settings_map_resolves_the_adapter():
    assert network_class("x") is XNetwork


# --- length as X counts it --------------------------------------------------------


def test_weighted_length_counts_every_link_as_23():
    assert weighted_length("Snow day") == 8
    assert weighted_length(f"Snow day {LINK}") == 9 + 23
    assert weighted_length(f"See {LINK}.") == 4 + 23 + 1
    assert weighted_length("https://a.example/x and www.school.example") == 23 + 5 + 23
    assert weighted_length("Read bbc.co.uk/news today") == 5 + 23 + 6
    assert weighted_length("Email office@school.org.uk") == 6 + 20  # not a link


def test_weighted_length_counts_wide_characters_as_2():
    assert weighted_length("Croeso") == 6
    assert weighted_length("Gŵyl Dewi") == 9  # Welsh letters are Latin: 1 each
    assert weighted_length("学校") == 4
    assert weighted_length("Well done 🎉") == 10 + 2


def test_the_editor_can_count_and_check_without_credentials():
    x = network_class("x")

    assert x.text_length(f"Snow day {LINK}") == 32
    x.check_post(text="a" * 280, images=[])
    with pytest.raises(PermanentRefusal, match="281 characters long"):
        x.check_post(text="a" * 281, images=[])


def test_a_post_of_exactly_280_as_x_counts_it_is_sent(x_emulator):
    text = "a" * (280 - 2 - 23)

    x_network(x_emulator).publish(text=text, images=[], link=LINK)

    assert len(x_emulator.state()["posts"]) == 1


def test_a_post_too_long_is_refused_before_sending(x_emulator):
    text = "a" * (280 - 2 - 23 + 1)

    with pytest.raises(PermanentRefusal) as refused:
        x_network(x_emulator).publish(text=text, images=[], link=LINK)

    assert "281 characters long as X counts them" in refused.value.reason
    assert "X allows 280" in refused.value.reason
    assert x_emulator.state()["posts"] == []


def test_more_than_four_images_are_refused(x_emulator, sports_day_photo):
    with pytest.raises(PermanentRefusal, match="at most 4 image"):
        x_network(x_emulator).publish(text="Gallery", images=[sports_day_photo] * 5)
    assert x_emulator.state()["posts"] == []


def test_a_file_that_is_not_an_image_is_refused(x_emulator):
    letter = ImageFile(
        content=b"%PDF-1.7", filename="letter.pdf", mime_type="application/pdf"
    )

    with pytest.raises(PermanentRefusal, match="does not accept 'letter.pdf'"):
        x_network(x_emulator).publish(text="Letter", images=[letter])


# --- failures, mapped to what the ledger should do -----------------------------------


def test_duplicate_text_is_refused_in_xs_words(x_emulator):
    network = x_network(x_emulator)
    network.publish(text="Parents' evening on Thursday", images=[])

    with pytest.raises(DuplicatePost) as refused:
        network.publish(text="Parents' evening on Thursday", images=[])

    assert refused.value.reason == (
        "X refused the request: "
        "You are not allowed to create a Tweet with duplicate content."
    )
    assert len(x_emulator.state()["posts"]) == 1


def test_an_expired_token_asks_for_a_reconnect(x_emulator):
    x_emulator.fail_next("unauthorized")

    with pytest.raises(AuthExpired, match="connect the X account again"):
        x_network(x_emulator).publish(text="Hello", images=[])


def test_a_wrong_token_secret_is_refused_by_the_signature_check(x_emulator):
    network = x_network(x_emulator, credentials={"access_token_secret": "guessed"})

    with pytest.raises(AuthExpired):
        network.publish(text="Hello", images=[])
    assert x_emulator.state()["posts"] == []


def test_a_wrong_consumer_secret_is_refused(x_emulator):
    network = x_network(x_emulator, credentials={"consumer_secret": "not-the-app"})

    with pytest.raises(AuthExpired):
        network.publish(text="Hello", images=[])


def test_rate_limit_gives_the_wait_from_xs_reset_header():
    with XEmulator(clock=lambda: FROZEN_NOW) as emulator:
        emulator.fail_next(status=429, retry_after=900)
        network = x_network(emulator, clock=lambda: FROZEN_NOW + 300)

        with pytest.raises(TransientNetworkError) as limited:
            network.publish(text="Hello", images=[])

    assert limited.value.retry_after == 600
    assert "rate limit" in limited.value.reason


def test_a_server_error_is_transient(x_emulator):
    x_emulator.fail_next(status=503)

    with pytest.raises(TransientNetworkError, match="HTTP 503") as failed:
        x_network(x_emulator).publish(text="Hello", images=[])

    assert failed.value.retry_after is None


def test_no_answer_within_the_timeout_is_transient(x_emulator):
    x_emulator.fail_next("timeout", hold_seconds=10)

    with pytest.raises(
        TransientNetworkError, match="did not answer within 0.2 seconds"
    ):
        x_network(x_emulator, timeout=0.2).publish(text="Hello", images=[])


def test_a_timeout_can_hide_a_post_and_the_retry_then_says_duplicate(x_emulator):
    x_emulator.fail_next("timeout_after_success", hold_seconds=10)
    network = x_network(x_emulator, timeout=0.3)

    with pytest.raises(TransientNetworkError):
        network.publish(text="Snow day: school closed", images=[])
    assert len(x_emulator.state()["posts"]) == 1  # X made it all the same

    with pytest.raises(DuplicatePost):
        network.publish(text="Snow day: school closed", images=[])
    assert len(x_emulator.state()["posts"]) == 1


def test_an_unreachable_network_is_transient_and_the_reason_holds_no_secret():
    with XEmulator() as emulator:
        network = x_network(emulator)
    # stopped: nothing listens on that port any more

    with pytest.raises(TransientNetworkError) as failed:
        network.publish(text="Hello", images=[])

    assert failed.value.reason == "X could not be reached."


def test_an_html_page_instead_of_json_is_an_unknown_outcome(x_emulator):
    x_emulator.fail_next("html", status=200)

    with pytest.raises(OutcomeUnknown) as refused:
        x_network(x_emulator).publish(text="Hello", images=[])

    assert "answered with a web page (text/html" in refused.value.reason
    assert "instead of its API's JSON" in refused.value.reason


def test_a_success_without_a_post_id_is_an_unknown_outcome(x_emulator):
    x_emulator.fail_next("empty_success", status=201)

    with pytest.raises(OutcomeUnknown, match="without the new post's id"):
        x_network(x_emulator).publish(text="Hello", images=[])


def test_an_html_error_page_from_a_failing_server_is_transient(x_emulator):
    x_emulator.fail_next("html", status=502)

    with pytest.raises(TransientNetworkError, match="web page"):
        x_network(x_emulator).publish(text="Hello", images=[])


def test_a_refused_image_carries_xs_words(x_emulator, sports_day_photo):
    x_emulator.fail_next("media_refused", path_contains="/2/media/upload")

    with pytest.raises(PermanentRefusal, match="media type unrecognized"):
        x_network(x_emulator).publish(text="Photo", images=[sports_day_photo])
    assert x_emulator.state()["posts"] == []


def test_failures_can_be_queued_over_http(x_emulator):
    import requests

    answer = requests.post(
        f"{x_emulator.base_url}/__emulator__/fail",
        json={"status": 500, "times": 2},
        timeout=5,
    )
    assert answer.status_code == 200
    network = x_network(x_emulator)

    for _ in range(2):
        with pytest.raises(TransientNetworkError):
            network.publish(text="Hello", images=[])
    network.publish(text="Hello", images=[])
    assert len(x_emulator.state()["posts"]) == 1


def test_no_secret_is_logged(x_emulator, caplog, sports_day_photo):
    caplog.set_level(logging.DEBUG, logger="publishing")
    network = x_network(x_emulator)
    network.publish(text="Hello", images=[sports_day_photo])
    x_emulator.fail_next("unauthorized")
    with pytest.raises(AuthExpired):
        network.publish(text="Again", images=[])

    assert "POST /2/tweets -> 201" in caplog.text
    for secret in x_emulator.credentials.values():
        assert secret not in caplog.text


def test_recent_posts_reads_the_links_behind_x_short_links(x_emulator):
    network = x_network(x_emulator)
    started = datetime.now(UTC) - timedelta(seconds=1)
    made = network.publish(
        text="Harvest festival", images=[], link="https://school.example/h/?ref=7"
    )

    [post] = network.recent_posts(since=started)

    assert post.remote_id == made.remote_id
    assert "https://t.co/" in post.text  # X shortens every link in the text
    assert "school.example" not in post.text
    assert post.links == ("https://school.example/h/?ref=7",)
    assert network.recent_posts(since=datetime.now(UTC) + timedelta(minutes=5)) == []


def test_recent_posts_follows_the_next_token_past_a_hundred(x_emulator):
    network = x_network(x_emulator)
    x_emulator.remaining = 10**6
    for number in range(105):
        network.publish(text=f"Notice {number}", images=[])

    posts = network.recent_posts(since=datetime.now(UTC) - timedelta(hours=1))

    assert len(posts) == 105
    assert posts[0].text == "Notice 104"
    assert posts[-1].text == "Notice 0"


def test_recent_posts_that_cannot_be_read_raise(x_emulator):
    x_emulator.fail_next(status=503, path_contains="/tweets")
    with pytest.raises(TransientNetworkError):
        x_network(x_emulator).recent_posts(since=datetime.now(UTC))
