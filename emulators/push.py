"""A loopback web push service (RFC 8030), checking what a real one checks.

The worker POSTs each notification to a device's endpoint here, as it would to
Google's, Mozilla's or Apple's push service. Like them, the emulator answers
``201 Created`` only when:

- ``Authorization: vapid t=<JWT>, k=<public key>`` (RFC 8292) carries an ES256 JWT
  that verifies with that key, whose ``aud`` is this service's origin, whose ``exp``
  is in the future and at most 24 hours away, and whose ``sub`` is a mailto: or
  https: contact (else 401); and the key is the one the device subscribed with, when
  it said (else 403);
- ``TTL`` is a whole number, ``Urgency`` and ``Topic`` (at most 32 URL-safe
  characters) are valid when given (else 400);
- ``Content-Encoding: aes128gcm`` (RFC 8188/8291) with a body of at most 4096 bytes
  (else 413) whose header is well formed: a 16-byte salt, a record size of at least
  18, and a 65-byte uncompressed P-256 key id (else 400).

Unlike a real push service it also holds each device's private keys, so it reads
(decrypts) what it was sent, as the phone would: tests and the page at ``/`` show
the title, summary and link. A message with the Topic of one still held for the same
device replaces it (RFC 8030 section 5.4). A device that unsubscribed answers
410 Gone, an unknown one 404; the failure queue makes the next requests answer 429,
500, or hang (``timeout``; ``timeout_after_success`` keeps the message first).
``POST /__emulator__/device`` subscribes a device from another process (the demo).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import secrets
import struct
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page

MAX_BODY_BYTES = 4096
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
URGENCIES = ("very-low", "low", "normal", "high")
VAPID = re.compile(r"^vapid\s+(.*)$", re.IGNORECASE)
MAX_JWT_LIFETIME = 24 * 60 * 60


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Device:
    """A browser's push subscription, with the private half the browser keeps."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    application_server_key: str = ""  # the VAPID public key it subscribed with
    gone: bool = False

    @property
    def p256dh(self) -> str:
        return _b64(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.UncompressedPoint,
            )
        )


@dataclass
class PushMessage:
    device: str
    topic: str
    urgency: str
    ttl: int
    payload: dict[str, Any] | None
    received_at: float = field(default_factory=time.time)
    replaced: bool = False

    @property
    def title(self) -> str:
        return str((self.payload or {}).get("title", ""))


class PushServiceEmulator(Emulator):
    """A push service: endpoints ``/push/<token>``; ``new_device()`` subscribes one."""

    title = "Push service"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.devices: dict[str, Device] = {}
        self.messages: list[PushMessage] = []
        self.refusals: list[dict[str, Any]] = []

    # --- the Python API for tests and the bench --------------------------------
    def new_device(self, *, application_server_key: str = "") -> dict[str, Any]:
        """Subscribe a new device; returns what a browser's ``toJSON()`` gives."""
        device = Device(
            token=secrets.token_urlsafe(24),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=secrets.token_bytes(16),
            application_server_key=application_server_key,
        )
        with self.lock:
            self.devices[device.token] = device
        return {
            "endpoint": self.endpoint(device.token),
            "keys": {"p256dh": device.p256dh, "auth": _b64(device.auth)},
        }

    def endpoint(self, token: str) -> str:
        return f"{self.base_url}/push/{token}"

    def device_gone(self, endpoint: str) -> None:
        """The device's owner unsubscribed (or the browser dropped it): 410 Gone."""
        with self.lock:
            self.devices[endpoint.rsplit("/", 1)[1]].gone = True

    def device_forgotten(self, endpoint: str) -> None:
        """The push service has never heard of it: 404."""
        with self.lock:
            self.devices.pop(endpoint.rsplit("/", 1)[1], None)

    def shown(self, endpoint: str) -> list[PushMessage]:
        """What the device shows: each message not replaced by a later one."""
        token = endpoint.rsplit("/", 1)[1]
        with self.lock:
            return [m for m in self.messages if m.device == token and not m.replaced]

    def received(self, endpoint: str) -> list[PushMessage]:
        """Every message accepted for the device, replaced ones included."""
        token = endpoint.rsplit("/", 1)[1]
        with self.lock:
            return [m for m in self.messages if m.device == token]

    def extra_control(
        self, action: str, request: EmulatorRequest
    ) -> EmulatorResponse | None:
        """`POST /__emulator__/device` with JSON {application_server_key}: a device
        subscribes (the demo's phone); answers as ``new_device()``."""
        if action != "device" or request.method != "POST":
            return None
        body = request.json()
        key = body.get("application_server_key") if isinstance(body, dict) else None
        if not isinstance(key, str) or not key:
            return EmulatorResponse.json(
                {"error": "give the application_server_key"}, 400
            )
        return EmulatorResponse.json(self.new_device(application_server_key=key))

    # --- the push service --------------------------------------------------------
    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        match = re.fullmatch(r"/push/([A-Za-z0-9_-]+)", request.path)
        if request.method != "POST" or match is None:
            return EmulatorResponse.json({"error": "not found"}, 404)
        device = self.devices.get(match.group(1))
        if device is None:
            return self._refuse(request, 404, "no such subscription")
        if device.gone:
            return self._refuse(request, 410, "the subscription has expired")
        try:
            self._check_vapid(request, device)
            ttl, urgency, topic = self._check_headers(request)
            self._check_body(request)
        except Refused as refused:
            return self._refuse(request, refused.status, refused.reason)
        payload = self._read(request.body, device)
        if topic:
            for earlier in self.messages:
                if earlier.device == device.token and earlier.topic == topic:
                    earlier.replaced = True
        message = PushMessage(device.token, topic, urgency, ttl, payload)
        self.messages.append(message)
        number = self.next_number()
        return EmulatorResponse(
            201, b"", "text/plain", {"Location": f"{self.base_url}/message/{number}"}
        )

    def _refuse(self, request, status: int, reason: str) -> EmulatorResponse:
        self.refusals.append({"path": request.path, "status": status, "reason": reason})
        return EmulatorResponse.json({"code": status, "message": reason}, status)

    def _check_vapid(self, request: EmulatorRequest, device: Device) -> None:
        match = VAPID.match(request.headers.get("authorization", ""))
        if match is None:
            raise Refused(401, "Authorization must be 'vapid t=..., k=...'")
        params = dict(
            part.strip().split("=", 1)
            for part in match.group(1).split(",")
            if "=" in part
        )
        token, key = params.get("t", ""), params.get("k", "")
        if device.application_server_key and key != device.application_server_key:
            raise Refused(403, "the VAPID key is not the device's subscription key")
        try:
            public = ec.EllipticCurvePublicKey.from_encoded_point(
                ec.SECP256R1(), _unb64(key)
            )
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(_unb64(header_b64))
            claims = json.loads(_unb64(claims_b64))
            signature = _unb64(signature_b64)
        except (ValueError, binascii.Error, TypeError) as error:
            raise Refused(401, f"the VAPID token cannot be read: {error}") from error
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise Refused(401, "the VAPID token must be signed with ES256")
        try:
            public.verify(
                encode_dss_signature(
                    int.from_bytes(signature[:32], "big"),
                    int.from_bytes(signature[32:], "big"),
                ),
                f"{header_b64}.{claims_b64}".encode("ascii"),
                ec.ECDSA(hashes.SHA256()),
            )
        except InvalidSignature as error:
            raise Refused(401, "the VAPID signature does not verify") from error
        parts = urlsplit(request.url)
        if claims.get("aud") != f"{parts.scheme}://{parts.netloc}":
            raise Refused(401, f"the VAPID aud is not this push service: {claims}")
        expires = claims.get("exp")
        now = self.clock()
        if not isinstance(expires, int) or not now < expires <= now + MAX_JWT_LIFETIME:
            raise Refused(401, "the VAPID exp must be within the next 24 hours")
        contact = str(claims.get("sub", ""))
        if not contact.startswith(("mailto:", "https:")):
            raise Refused(401, "the VAPID sub must be a mailto: or https: contact")

    @staticmethod
    def _check_headers(request: EmulatorRequest) -> tuple[int, str, str]:
        ttl = request.headers.get("ttl", "")
        if not ttl.isdigit():
            raise Refused(400, "TTL must be a whole number of seconds")
        urgency = request.headers.get("urgency", "normal")
        if urgency not in URGENCIES:
            raise Refused(400, f"Urgency must be one of {', '.join(URGENCIES)}")
        topic = request.headers.get("topic", "")
        if topic and not TOPIC.match(topic):
            raise Refused(400, "Topic must be 1 to 32 URL-safe characters")
        return int(ttl), urgency, topic

    @staticmethod
    def _check_body(request: EmulatorRequest) -> None:
        if request.headers.get("content-encoding", "").lower() != "aes128gcm":
            raise Refused(400, "Content-Encoding must be aes128gcm")
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            raise Refused(413, "the message is larger than 4096 bytes")
        if len(body) < 21:
            raise Refused(400, "the aes128gcm header is missing")
        (record_size,) = struct.unpack("!I", body[16:20])
        key_length = body[20]
        key_id = body[21 : 21 + key_length]
        if record_size < 18 or key_length != 65 or len(key_id) != 65 or key_id[0] != 4:
            raise Refused(400, "the aes128gcm header is not well formed")
        if len(body) <= 21 + key_length:
            raise Refused(400, "the message has no encrypted record")

    @staticmethod
    def _read(body: bytes, device: Device) -> dict[str, Any] | None:
        """Decrypt as the phone would; None if it cannot (the phone shows nothing)."""
        try:
            plain = http_ece.decrypt(
                body,
                private_key=device.private_key,
                auth_secret=device.auth,
                version="aes128gcm",
            )
            data = json.loads(plain)
        except Exception:  # noqa: BLE001 - any failure means the phone cannot read it
            return None
        return data if isinstance(data, dict) else None

    # --- the Emulator contract -----------------------------------------------------
    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        if failure.kind == "rate_limited":
            return EmulatorResponse.json(
                {"code": 429, "message": "Too many requests"},
                429,
                {"Retry-After": str(failure.retry_after)},
            )
        return EmulatorResponse.json(
            {"code": failure.status or 500, "message": failure.kind},
            failure.status or 500,
        )

    def clear_state(self) -> None:
        self.messages = []
        self.refusals = []

    def snapshot(self) -> dict[str, Any]:
        return {
            "devices": len(self.devices),
            "messages": [
                {
                    "device": m.device,
                    "topic": m.topic,
                    "urgency": m.urgency,
                    "ttl": m.ttl,
                    "payload": m.payload,
                    "replaced": m.replaced,
                }
                for m in self.messages
            ],
            "refusals": list(self.refusals),
        }

    def timeline_html(self) -> str:
        items = "".join(
            "<article>"
            f"<p class='meta'>To device {html.escape(m.device[:8])}… · "
            f"urgency {html.escape(m.urgency)} · topic {html.escape(m.topic or '-')}"
            f"{' · replaced by a later copy' if m.replaced else ''}</p>"
            f"<h2>{html.escape(m.title or '(could not be read)')}</h2>"
            f"<p>{html.escape(str((m.payload or {}).get('body', '')))}</p>"
            f"<p><a href='{html.escape(str((m.payload or {}).get('url', '')))}'>"
            f"{html.escape(str((m.payload or {}).get('url', '')))}</a></p>"
            "</article>"
            for m in reversed(self.messages)
        )
        refused = "".join(
            f"<li>{r['status']}: {html.escape(r['reason'])}</li>"
            for r in reversed(self.refusals[-20:])
        )
        body = (
            f"<h1>{self.title}: {len(self.devices)} device(s)</h1>"
            + (items or "<p>Nothing received yet.</p>")
            + (f"<h2>Refused</h2><ul>{refused}</ul>" if refused else "")
        )
        return page(self.title, body)
