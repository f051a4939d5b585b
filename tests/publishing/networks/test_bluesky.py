"""The Bluesky adapter over real HTTP: the atproto SDK's Client to the PDS emulator."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from publishing.networks.base import (
    AuthExpired,
    ImageFile,
    OutcomeUnknown,
    PermanentRefusal,
    TransientNetworkError,
)
from publishing.networks.bluesky import (
    BlueskyNetwork,
    facets_for,
    record_key_for_link,
)

LINK = "https://school.example/news/eisteddfod/?ref=7"


def network(emulator, store=None, **overrides) -> BlueskyNetwork:
    credentials = overrides.pop("credentials", None) or emulator.credentials
    return BlueskyNetwork(
        credentials=credentials,
        base_url=emulator.base_url,
        on_credentials_change=store.update if store is not None else None,
        **overrides,
    )


def picture(size=(800, 600), *, noise=False, exif=False) -> ImageFile:
    image = Image.new("RGB", size, "green")
    if noise:
        image = Image.frombytes(
            "RGB", size, bytes(range(256)) * (size[0] * size[1] * 3 // 256)
        )
    out = io.BytesIO()
    extra = {}
    if exif:
        info = Image.Exif()
        info[0x010F] = "Pupil's phone"  # Make
        extra["exif"] = info.tobytes()
    image.save(out, "PNG" if not exif else "JPEG", **extra)
    return ImageFile(
        content=out.getvalue(),
        filename="upload.png",
        mime_type="image/png",
        alt_text="Pupils singing on stage",
    )


def test_welsh_post_with_a_link_has_facets_at_utf8_byte_offsets(bluesky_emulator):
    text = "Llongyfarchiadau i'r côr ar ennill yn yr Eisteddfod! Darllenwch fwy: ŵyl"
    result = network(bluesky_emulator).publish(text=text, images=[], link=LINK)

    [post] = bluesky_emulator.state()["posts"]
    record = post["record"]
    assert post["uri"] == result.remote_id
    encoded = record["text"].encode()
    [facet] = [f for f in record["facets"] if "uri" in f["features"][0]]
    index = facet["index"]
    # "ô" and "ŵ" are two bytes each: character offsets would miss the link.
    assert encoded[index["byteStart"] : index["byteEnd"]].decode() == LINK
    assert index["byteStart"] != record["text"].index(LINK)
    assert record["langs"] == ["cy"]
    # No picture: the page's link card.
    assert record["embed"]["external"]["uri"] == LINK


def test_hashtags_become_tag_facets():
    [facet] = facets_for("Diolch #Ysgol")
    assert facet["features"][0] == {
        "$type": "app.bsky.richtext.facet#tag",
        "tag": "Ysgol",
    }
    assert facet["index"] == {"byteStart": 7, "byteEnd": 13}


def test_a_mention_after_welsh_letters_names_the_account_by_its_did(
    bluesky_emulator,
):
    bluesky_emulator.add_account("cyngor.bsky.social", "did:plc:cyngorgwynedd00000")
    text = "Diolch i'r ŵyl, ŷd a'r côr â @Cyngor.bsky.social (a @neb.bsky.social)."
    result = network(bluesky_emulator).publish(text=text, images=[], link=LINK)

    [post] = bluesky_emulator.state()["posts"]
    record = post["record"]
    [mention] = [f for f in record["facets"] if "did" in f["features"][0]]
    assert mention["features"][0]["did"] == "did:plc:cyngorgwynedd00000"
    index = mention["index"]
    covered = record["text"].encode()[index["byteStart"] : index["byteEnd"]]
    assert covered.decode() == "@Cyngor.bsky.social"
    # ŵ, ŷ, ô and â are two bytes each: the byte offset is 4 past the character's.
    assert index["byteStart"] == record["text"].index("@Cyngor") + 4
    # A handle Bluesky does not know stays plain text, and the ledger is told.
    assert "@neb.bsky.social" in record["text"]
    assert result.notes == (
        "@neb.bsky.social was not found on Bluesky, so it is plain text in the post, "
        "not a mention that tells them.",
    )


def test_the_emulator_refuses_a_mention_facet_off_its_handle(bluesky_emulator):
    import requests

    bluesky_emulator.add_account("cyngor.bsky.social", "did:plc:cyngorgwynedd00000")
    base = f"{bluesky_emulator.base_url}/xrpc"
    session = requests.post(
        f"{base}/com.atproto.server.createSession",
        json={
            "identifier": bluesky_emulator.bsky_handle,
            "password": bluesky_emulator.app_password,
        },
        timeout=5,
    ).json()
    text = "Diolch â @cyngor.bsky.social"
    at = len("Diolch â ")  # characters; the bytes are one more

    def create(start, end, did="did:plc:cyngorgwynedd00000"):
        facet = {
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
        }
        return requests.post(
            f"{base}/com.atproto.repo.createRecord",
            headers={"Authorization": f"Bearer {session['accessJwt']}"},
            json={
                "repo": session["did"],
                "collection": "app.bsky.feed.post",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": text,
                    "createdAt": "2026-12-06T12:00:00.000Z",
                    "facets": [facet],
                },
            },
            timeout=5,
        )

    off_by_character = create(at, len(text))
    assert off_by_character.status_code == 400
    assert "not the @handle" in off_by_character.json()["message"]
    wrong_account = create(at + 1, len(text.encode()), did="did:plc:someoneelse")
    assert wrong_account.status_code == 400
    resolved = requests.get(
        f"{base}/com.atproto.identity.resolveHandle",
        params={"handle": "cyngor.bsky.social"},
        timeout=5,
    ).json()
    assert create(at + 1, len(text.encode()), did=resolved["did"]).status_code == 200
    assert (
        requests.get(
            f"{base}/com.atproto.identity.resolveHandle",
            params={"handle": "neb.bsky.social"},
            timeout=5,
        ).status_code
        == 400
    )


def test_the_limit_is_300_graphemes_as_bluesky_counts_them(bluesky_emulator):
    welsh = "ŵ" * 300  # 600 bytes, 300 graphemes: allowed
    assert BlueskyNetwork.text_length(welsh) == 300
    BlueskyNetwork.check_post(text=welsh, images=[])
    assert BlueskyNetwork.text_length("🏴󠁧󠁢󠁷󠁬󠁳󠁿") == 1  # the Welsh flag is one grapheme

    with pytest.raises(PermanentRefusal, match="301 characters"):
        network(bluesky_emulator).publish(text="ŵ" * 301, images=[], link=None)
    assert bluesky_emulator.state()["posts"] == []


def test_one_sign_in_then_the_kept_session_is_used_and_refreshed(bluesky_emulator):
    stored: dict[str, str] = {}
    network(bluesky_emulator, stored).publish(text="One", images=[], link=LINK + "1")
    assert "session" in stored
    assert "app_password" in stored  # the whole mapping is kept, re-encrypted

    # A new adapter (the next job) imports the session: no second sign-in.
    network(bluesky_emulator, stored, credentials=dict(stored)).publish(
        text="Two", images=[], link=LINK + "2"
    )
    assert bluesky_emulator.state()["logins"] == 1

    # The PDS expires the access token early: it is refreshed, not a new sign-in.
    bluesky_emulator.expire_sessions()
    network(bluesky_emulator, stored, credentials=dict(stored)).publish(
        text="Three", images=[], link=LINK + "3"
    )
    state = bluesky_emulator.state()
    assert (state["logins"], state["refreshes"]) == (1, 1)
    assert len(state["posts"]) == 3


def test_a_revoked_app_password_asks_for_a_reconnect(bluesky_emulator):
    stored: dict[str, str] = {}
    network(bluesky_emulator, stored).publish(text="One", images=[], link=LINK)
    bluesky_emulator.revoke_app_password()

    with pytest.raises(AuthExpired, match="connect the Bluesky account again"):
        network(bluesky_emulator, credentials=dict(stored)).publish(
            text="Two", images=[], link=LINK + "2"
        )


def test_pictures_are_reencoded_under_2_mb_without_metadata_and_with_alt(
    bluesky_emulator,
):
    big, _ = BlueskyNetwork.prepare_image(picture((2400, 2400), noise=True))
    assert len(big.content) <= 2_000_000
    assert big.mime_type == "image/jpeg"
    tagged, _ = BlueskyNetwork.prepare_image(picture(exif=True))
    with Image.open(io.BytesIO(tagged.content)) as opened:
        assert not opened.getexif()

    network(bluesky_emulator).publish(text="Concert", images=[big, tagged], link=LINK)
    [post] = bluesky_emulator.state()["posts"]
    images = post["record"]["embed"]["images"]
    assert [i["alt"] for i in images] == ["Pupils singing on stage"] * 2
    assert images[0]["aspectRatio"]["width"] > 0


def test_a_picture_without_a_description_or_a_fifth_picture_is_refused(
    bluesky_emulator,
):
    prepared, _ = BlueskyNetwork.prepare_image(picture())
    no_alt = ImageFile(prepared.content, "a.jpg", "image/jpeg", alt_text="")
    with pytest.raises(PermanentRefusal, match="description"):
        network(bluesky_emulator).publish(text="x", images=[no_alt], link=LINK)
    with pytest.raises(PermanentRefusal, match="at most 4"):
        network(bluesky_emulator).publish(text="x", images=[prepared] * 5, link=LINK)
    assert bluesky_emulator.state()["posts"] == []


def test_the_emulator_refuses_what_bluesky_refuses(bluesky_emulator):
    """A facet that splits "ŵ", or a blob over 2 MB: the PDS's own checks."""
    import httpx

    session = httpx.post(
        f"{bluesky_emulator.base_url}/xrpc/com.atproto.server.createSession",
        json={
            "identifier": bluesky_emulator.credentials["handle"],
            "password": bluesky_emulator.credentials["app_password"],
        },
    ).json()
    headers = {"Authorization": f"Bearer {session['accessJwt']}"}
    record = {
        "$type": "app.bsky.feed.post",
        "text": "ŵ https://a.example",
        "createdAt": "2026-12-06T09:00:00Z",
        "facets": [
            {
                "index": {"byteStart": 1, "byteEnd": 20},
                "features": [
                    {
                        "$type": "app.bsky.richtext.facet#link",
                        "uri": "https://a.example",
                    }
                ],
            }
        ],
    }
    answer = httpx.post(
        f"{bluesky_emulator.base_url}/xrpc/com.atproto.repo.createRecord",
        json={
            "repo": session["did"],
            "collection": "app.bsky.feed.post",
            "record": record,
        },
        headers=headers,
    )
    assert answer.status_code == 400
    assert "splits a character" in answer.json()["message"]
    too_big = httpx.post(
        f"{bluesky_emulator.base_url}/xrpc/com.atproto.repo.uploadBlob",
        content=b"\xff" * 2_000_001,
        headers=headers | {"Content-Type": "image/jpeg"},
    )
    assert too_big.json()["error"] == "BlobTooLarge"


def test_a_lost_answer_can_only_ever_write_the_same_record(bluesky_emulator):
    bluesky_emulator.fail_next(
        "timeout_after_success", path_contains="createRecord", hold_seconds=2
    )
    adapter = network(bluesky_emulator, timeout=0.5)
    with pytest.raises(OutcomeUnknown):
        adapter.publish(text="Sports day", images=[], link=LINK)

    again = network(bluesky_emulator).publish(text="Sports day", images=[], link=LINK)
    [post] = bluesky_emulator.state()["posts"]
    assert again.remote_id == post["uri"]
    assert post["uri"].endswith(record_key_for_link(LINK))


def test_rate_limit_and_server_errors(bluesky_emulator):
    bluesky_emulator.fail_next(
        "rate_limited", retry_after=90, path_contains="createRecord"
    )
    with pytest.raises(TransientNetworkError) as limited:
        network(bluesky_emulator).publish(text="x", images=[], link=LINK)
    assert 80 <= limited.value.retry_after <= 91

    bluesky_emulator.fail_next(status=500, path_contains="createRecord")
    with pytest.raises(OutcomeUnknown):
        network(bluesky_emulator).publish(text="x", images=[], link=LINK)

    # A picture's upload that times out made no post: simply tried again later.
    bluesky_emulator.fail_next("timeout", path_contains="uploadBlob", hold_seconds=2)
    prepared, _ = BlueskyNetwork.prepare_image(picture())
    with pytest.raises(TransientNetworkError) as upload:
        network(bluesky_emulator, timeout=0.5).publish(
            text="x", images=[prepared], link=LINK
        )
    assert not isinstance(upload.value, OutcomeUnknown)
    assert bluesky_emulator.state()["posts"] == []

    bluesky_emulator.fail_next(status=503, path_contains="listRecords")
    with pytest.raises(TransientNetworkError) as unreadable:
        network(bluesky_emulator).recent_posts(since=datetime.now(UTC))
    assert not isinstance(unreadable.value, OutcomeUnknown)


def test_recent_posts_find_a_post_by_its_link(bluesky_emulator):
    adapter = network(bluesky_emulator)
    made = adapter.publish(text="Found me", images=[], link=LINK)
    [post] = adapter.recent_posts(since=datetime.now(UTC) - timedelta(minutes=5))
    assert (post.remote_id, post.links) == (made.remote_id, (LINK,))
    assert adapter.recent_posts(since=datetime.now(UTC) + timedelta(minutes=5)) == []


def test_retract_deletes_the_record_and_a_missing_one_counts_as_gone(
    bluesky_emulator,
):
    adapter = network(bluesky_emulator)
    made = adapter.publish(text="Bye", images=[], link=LINK)
    assert adapter.retract(remote_id=made.remote_id).already_gone is False
    assert bluesky_emulator.state()["posts"] == []
    assert adapter.retract(remote_id=made.remote_id).already_gone is True


def test_pin_and_unpin_through_the_profile(bluesky_emulator):
    adapter = network(bluesky_emulator)
    made = adapter.publish(text="Snow day: school closed", images=[], link=LINK)
    assert adapter.pin(remote_id=made.remote_id).pinned
    assert bluesky_emulator.pinned_uri() == made.remote_id
    assert adapter.pinned_state(remote_id=made.remote_id).pinned
    adapter.unpin(remote_id=made.remote_id)
    assert bluesky_emulator.pinned_uri() is None
