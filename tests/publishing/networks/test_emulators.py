"""The emulators themselves: what a person sees, auth checks, the control endpoints."""

import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests_oauthlib import OAuth1

from publishing.networks.facebook import FacebookPageNetwork
from publishing.networks.x import XNetwork


def x_network(emulator) -> XNetwork:
    return XNetwork(credentials=emulator.credentials, base_url=emulator.base_url)


def facebook_network(emulator) -> FacebookPageNetwork:
    return FacebookPageNetwork(
        credentials=emulator.credentials, base_url=emulator.base_url
    )


def test_x_state_lists_live_posts_over_http(x_emulator, sports_day_photo):
    x_network(x_emulator).publish(text="Photo day", images=[sports_day_photo])

    state = requests.get(f"{x_emulator.base_url}/__emulator__/state", timeout=5).json()

    [post] = state["posts"]
    assert set(post) == {"id", "text", "media", "pinned", "created_at", "in_reply_to"}
    assert (post["text"], post["pinned"]) == ("Photo day", False)
    assert state["account"]["username"] == "OurSchool"


def test_x_timeline_shows_the_posts_escaped_with_their_images(
    x_emulator, sports_day_photo
):
    result = x_network(x_emulator).publish(
        text="<b>Fish & chips</b> Friday", images=[sports_day_photo]
    )

    timeline = requests.get(f"{x_emulator.base_url}/", timeout=5)
    [media] = x_emulator.state()["posts"][0]["media"]
    image = requests.get(f"{x_emulator.base_url}/media/{media['id']}", timeout=5)
    post_page = requests.get(result.url, timeout=5)

    assert "text/html" in timeline.headers["content-type"]
    assert "&lt;b&gt;Fish &amp; chips&lt;/b&gt; Friday" in timeline.text
    assert (
        f"<img src='/media/{media['id']}' alt='The finish line on sports day'>"
        in timeline.text
    )
    assert image.content == sports_day_photo.content
    assert post_page.status_code == 200 and "Fish &amp; chips" in post_page.text


def test_a_retracted_x_post_page_is_gone(x_emulator):
    network = x_network(x_emulator)
    result = network.publish(text="Short-lived", images=[])
    network.retract(remote_id=result.remote_id)

    assert requests.get(result.url, timeout=5).status_code == 404
    assert "No posts yet" in requests.get(x_emulator.base_url, timeout=5).text


def test_x_refuses_an_unsigned_request(x_emulator):
    answer = requests.post(
        f"{x_emulator.base_url}/2/tweets", json={"text": "Hi"}, timeout=5
    )

    assert answer.status_code == 401
    assert answer.json()["title"] == "Unauthorized"
    assert x_emulator.state()["posts"] == []


def test_x_refuses_an_unknown_access_token(x_emulator):
    auth = OAuth1(
        x_emulator.consumer_key,
        client_secret=x_emulator.consumer_secret,
        resource_owner_key="1-stolen",
        resource_owner_secret=x_emulator.access_token_secret,
    )

    answer = requests.post(
        f"{x_emulator.base_url}/2/tweets", json={"text": "Hi"}, auth=auth, timeout=5
    )

    assert answer.status_code == 401


def test_facebook_state_and_timeline_show_the_pinned_post_first(facebook_emulator):
    network = facebook_network(facebook_emulator)
    notice = network.publish(text="Closed for half term", images=[])
    network.publish(text="Newer news", images=[])
    network.pin(remote_id=notice.remote_id)

    state = requests.get(
        f"{facebook_emulator.base_url}/__emulator__/state", timeout=5
    ).json()
    timeline = requests.get(f"{facebook_emulator.base_url}/", timeout=5).text

    assert [post["text"] for post in state["posts"]] == [
        "Closed for half term",
        "Newer news",
    ]
    assert state["page"] == {"id": facebook_emulator.page_id, "name": "Our School"}
    assert timeline.index("Pinned post") < timeline.index("Closed for half term")
    assert requests.get(notice.url, timeout=5).status_code == 200


def test_facebook_refuses_a_request_without_a_token(facebook_emulator):
    answer = requests.post(
        f"{facebook_emulator.base_url}/v21.0/{facebook_emulator.page_id}/feed",
        data={"message": "Hi"},
        timeout=5,
    )

    error = answer.json()["error"]
    assert (answer.status_code, error["code"], error["type"]) == (
        400,
        190,
        "OAuthException",
    )
    assert error["fbtrace_id"]
    assert facebook_emulator.state()["posts"] == []


def test_facebook_accepts_the_token_as_a_parameter_like_facebook_sdk_sends_it(
    facebook_emulator,
):
    answer = requests.post(
        f"{facebook_emulator.base_url}/v21.0/{facebook_emulator.page_id}/feed",
        data={"message": "Hi", "access_token": facebook_emulator.page_access_token},
        timeout=5,
    )

    assert answer.status_code == 200
    assert answer.json()["id"].startswith(f"{facebook_emulator.page_id}_")
    assert (
        "estimated_time_to_regain_access" in answer.headers["X-Business-Use-Case-Usage"]
    )


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            {"kind": "meltdown"},
            "unknown failure kind 'meltdown'; use one of: unauthorized, duplicate, "
            "rate_limited, server_error, timeout, timeout_after_success, html, "
            "empty_success, media_refused, pin_refused, moderation_refused, "
            "expired_token",
        ),
        (
            {"status": 418},
            "no failure kind for status 418; use 401, 403, 429 or 5xx, or give a kind",
        ),
        ({"times": 2}, "fail_next needs a kind or a status"),
        ({"status": 429, "colour": "red"}, "unknown option(s): colour"),
        ({"status": 500, "times": "two"}, "times must be a whole number, not 'two'"),
        ({"status": "500"}, "status must be an HTTP status code, not '500'"),
    ],
)
def test_the_control_endpoint_explains_a_bad_request(x_emulator, options, error):
    answer = requests.post(
        f"{x_emulator.base_url}/__emulator__/fail", json=options, timeout=5
    )

    assert answer.status_code == 400
    assert answer.json() == {"error": error}


def test_reset_over_http_forgets_posts_and_failures(facebook_emulator):
    facebook_network(facebook_emulator).publish(text="Before", images=[])
    facebook_emulator.fail_next("server_error", times=5)

    answer = requests.post(
        f"{facebook_emulator.base_url}/__emulator__/reset", timeout=5
    )
    facebook_network(facebook_emulator).publish(text="After", images=[])

    assert answer.json() == {"reset": True}
    assert [post["text"] for post in facebook_emulator.state()["posts"]] == ["After"]


def test_failures_can_be_limited_to_one_path(x_emulator, sports_day_photo):
    x_emulator.fail_next(status=500, path_contains="/2/tweets")
    network = x_network(x_emulator)

    with pytest.raises(Exception, match="server error"):
        network.publish(text="Upload then fail", images=[sports_day_photo])
    network.publish(text="Upload then fail", images=[sports_day_photo])

    assert len(x_emulator.state()["posts"]) == 1


def test_serve_runs_both_emulators_until_stopped():
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [
            sys.executable,
            "-m",
            "emulators.serve",
            "--x-port",
            "0",
            "--facebook-port",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        x_line = process.stdout.readline()
        facebook_line = process.stdout.readline()
        x_url = x_line.split(": ", 1)[1].strip()
        facebook_url = facebook_line.split(": ", 1)[1].strip()

        x_state = requests.get(f"{x_url}__emulator__/state", timeout=5).json()
        facebook_state = requests.get(f"{facebook_url}__emulator__/state", timeout=5)

        assert x_line.startswith("X emulator: http://127.0.0.1:")
        assert x_state["posts"] == []
        assert facebook_state.json()["network"] == "facebook"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_concurrent_posts_each_get_their_own_id(x_emulator, facebook_emulator):
    def post_both(number: int) -> tuple[str, str]:
        text = f"Class {number} assembly"
        return (
            x_network(x_emulator).publish(text=text, images=[]).remote_id,
            facebook_network(facebook_emulator).publish(text=text, images=[]).remote_id,
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post_both, range(24)))

    for emulator, ids in zip(
        (x_emulator, facebook_emulator), zip(*results, strict=True), strict=True
    ):
        assert len(set(ids)) == 24
        assert {post["id"] for post in emulator.state()["posts"]} == set(ids)
