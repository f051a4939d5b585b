"""The local push service refuses what a real one refuses, so the tests mean
something: a bad VAPID signature, the wrong audience, a body that is not aes128gcm."""

from __future__ import annotations

import requests
from py_vapid import Vapid
from pywebpush import WebPusher

from alerts.push_keys import vapid_keys_generate


def _send(push_service, *, claims=None, key=None, encoding="aes128gcm", **headers):
    keys = vapid_keys_generate()
    device = push_service.new_device(application_server_key=keys.public_key)
    vapid = Vapid.from_string(key or keys.private_key)
    signed = vapid.sign(
        {
            "aud": push_service.base_url,
            "exp": int(push_service.clock()) + 3600,
            "sub": "mailto:office@school.example",
            **(claims or {}),
        }
    )
    return WebPusher(device).send(
        b'{"title": "Snow"}',
        {**signed, **headers},
        ttl=60,
        content_encoding=encoding,
        timeout=5,
    )


def test_a_well_formed_push_is_accepted_and_read(push_service):
    answer = _send(push_service)
    assert answer.status_code == 201
    assert push_service.state()["messages"][0]["payload"] == {"title": "Snow"}


def test_what_a_push_service_refuses_is_refused(push_service):
    other = vapid_keys_generate().private_key
    assert _send(push_service, key=other).status_code == 403  # not its key
    assert (
        _send(push_service, claims={"aud": "https://else.example"}).status_code == 401
    )
    expired = {"exp": int(push_service.clock()) - 10}
    assert _send(push_service, claims=expired).status_code == 401
    assert _send(push_service, encoding="aesgcm").status_code == 400
    assert _send(push_service, Topic="not a topic!").status_code == 400
    unsigned = requests.post(
        push_service.base_url + "/push/nobody",
        data=b"x",
        headers={"TTL": "0"},
        timeout=5,
    )
    assert unsigned.status_code == 404
    assert push_service.state()["messages"] == []
