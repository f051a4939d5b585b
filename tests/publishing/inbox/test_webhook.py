"""Facebook's webhook: signed deliveries become inbox items, once; anything unsigned,
wrongly signed or malformed is refused and stores nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from publishing.inbox.models import InboxItem

URL = "/webhooks/facebook/"


def _deliver(client, emulator, payload, *, signature=None):
    body = json.dumps(payload).encode()
    headers = {}
    if signature is not False:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature or emulator.sign(body)
    return client.post(URL, data=body, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_signed_comment_arrives_and_a_repeated_delivery_is_one_item(
    client, facebook_page, facebook_account, school_post
):
    comment = facebook_page.add_comment(school_post, message="Is there a bake sale?")
    payload = facebook_page.webhook_payload(comment)

    first = _deliver(client, facebook_page, payload)
    again = _deliver(client, facebook_page, payload)

    assert (first.status_code, again.status_code) == (200, 200)
    item = InboxItem.objects.get()
    assert item.remote_id == comment
    assert item.text == "Is there a bake sale?"
    assert item.author_name == "A parent"


@pytest.mark.django_db
@pytest.mark.parametrize("signature", [False, "sha256=" + "0" * 64, "md5=abc"])
def test_an_unsigned_or_wrongly_signed_delivery_is_refused(
    client, facebook_page, facebook_account, school_post, signature
):
    comment = facebook_page.add_comment(school_post, message="Fake comment")
    answer = _deliver(
        client,
        facebook_page,
        facebook_page.webhook_payload(comment),
        signature=signature,
    )

    assert answer.status_code == 403
    assert InboxItem.objects.count() == 0


@pytest.mark.django_db
def test_a_signed_body_that_is_not_a_page_webhook_is_a_clear_400(
    client, facebook_page, facebook_account
):
    for body in (
        b"{not json",
        b'{"object": "page"}',
        b'{"object": "user", "entry": []}',
    ):
        answer = client.post(
            URL,
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=facebook_page.sign(body),
        )
        assert answer.status_code == 400
    assert InboxItem.objects.count() == 0


@pytest.mark.django_db
def test_a_garbled_comment_in_a_signed_delivery_is_skipped_not_a_500(
    client, facebook_page, facebook_account, school_post
):
    comment = facebook_page.add_comment(school_post, message="Real one")
    payload = facebook_page.webhook_payload(comment)
    broken = json.loads(json.dumps(payload))
    del broken["entry"][0]["changes"][0]["value"]["from"]
    payload["entry"][0]["changes"].insert(0, broken["entry"][0]["changes"][0])

    answer = _deliver(client, facebook_page, payload)

    assert answer.status_code == 200
    assert InboxItem.objects.get().text == "Real one"


@pytest.mark.django_db
def test_the_set_up_handshake_answers_the_challenge_only_with_the_verify_token(
    client, settings
):
    settings.SOCIAL_FACEBOOK_WEBHOOK_VERIFY_TOKEN = "our-verify-word"
    good = client.get(
        URL,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "our-verify-word",
            "hub.challenge": "1158201444",
        },
    )
    bad = client.get(
        URL,
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    )
    assert (good.status_code, good.content) == (200, b"1158201444")
    assert bad.status_code == 403
    assert reverse("facebook_webhook") == URL


@pytest.mark.django_db(transaction=True)
def test_the_emulator_delivers_a_comment_over_http_to_the_running_site(
    live_server, facebook_page, facebook_account, school_post
):
    facebook_page.webhook_url = live_server.url + URL

    comment = facebook_page.add_comment(school_post, message="Webhook comment")

    assert facebook_page.webhook_deliveries == [200]
    assert InboxItem.objects.get().remote_id == comment


@pytest.mark.django_db
def test_a_flood_of_500_comments_in_one_delivery_delivered_twice_is_500_items(
    client, facebook_page, facebook_account, school_post, amelia
):
    comments = [
        facebook_page.add_comment(
            school_post,
            message=(
                "Amelia Jones was there" if n % 50 == 0 else f"Da iawn 🎉 rhif {n}"
            ),
        )
        for n in range(500)
    ]
    batch = facebook_page.webhook_batch(comments)

    assert _deliver(client, facebook_page, batch).json() == {"received": 500}
    assert _deliver(client, facebook_page, batch).status_code == 200  # Meta retries

    assert InboxItem.objects.count() == 500
    assert set(InboxItem.objects.values_list("remote_id", flat=True)) == set(comments)
    hidden = InboxItem.objects.filter(state=InboxItem.State.HIDDEN)
    assert hidden.count() == hidden.filter(flagged_for_dsl=True).count() == 10
    assert sum(c["is_hidden"] for c in facebook_page.state()["comments"]) == 10
    assert InboxItem.objects.get(remote_id=comments[1]).text == "Da iawn 🎉 rhif 1"
