"""The provider's tracking webhook: hard bounces and complaints stop the next send."""

from __future__ import annotations

import base64
import re

import pytest

from alerts.models import AlertEmail
from moderation import roles
from tests.alerts.conftest import URGENT_ONLY, closure, confirmed_subscriber
from tests.factories import staff
from tests.twofactor import login_verified

WEBHOOK = "/updates/email-provider/postmark/tracking/"
SECRET = "provider:webhook-secret"


@pytest.fixture
def webhook(settings, postmark, client):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()

    def _post(record: dict, authorization: str = auth):
        return client.post(
            WEBHOOK,
            record,
            content_type="application/json",
            HTTP_AUTHORIZATION=authorization,
        )

    return _post


def _bounce(email: str, kind: str, message_id: str = "") -> dict:
    return {
        "RecordType": "Bounce",
        "Type": kind,
        "TypeCode": 1,
        "ID": 42,
        "MessageID": message_id,
        "Email": email,
        "BouncedAt": "2027-01-12T06:31:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account does not exist.",
    }


def test_a_hard_bounce_suppresses_the_address_for_the_next_send(
    school, postmark, webhook, worker, publish, client
):
    site = school.home.get_site()
    smith = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    confirmed_subscriber(site, "jones@family.example", URGENT_ONLY)
    publish(closure(school.notices))
    worker.drain()
    sent = AlertEmail.objects.get(subscriber=smith)
    assert (
        webhook(
            _bounce("smith@family.example", "HardBounce", sent.message_id)
        ).status_code
        == 200
    )
    smith.refresh_from_db()
    assert smith.suppressed_at is not None
    sent.refresh_from_db()
    assert sent.delivery_event == "bounced"
    # "Did the Smiths get it?": the office follows the update to its families.
    login_verified(client, staff("office", roles.SCHOOL_OFFICE))
    went = client.get("/admin/email-updates/").content.decode()
    families = re.search(r'href="([^"]*families/\?alert=\d+)"', went).group(1)
    found = client.get(f"{families}&q=smith").content.decode()
    [answer] = re.findall(r"<td data-this-update>(.*?)</td>", found, re.S)
    assert answer.startswith("Sent") and "Bounced" in answer
    assert "jones@family.example" not in found

    publish(closure(school.notices, title="Closed tomorrow too"))
    worker.drain()
    assert [m["To"] for m in postmark.sent[2:]] == ["jones@family.example"]


def test_a_soft_bounce_does_not_suppress(school, webhook):
    smith = confirmed_subscriber(
        school.home.get_site(), "smith@family.example", URGENT_ONLY
    )
    webhook(_bounce("smith@family.example", "SoftBounce"))
    webhook(_bounce("smith@family.example", "Transient"))
    smith.refresh_from_db()
    assert smith.suppressed_at is None


def test_a_complaint_suppresses_and_a_webhook_without_the_secret_is_refused(
    school, webhook
):
    smith = confirmed_subscriber(
        school.home.get_site(), "smith@family.example", URGENT_ONLY
    )
    complaint = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "MessageID": "",
        "Email": "smith@family.example",
        "BouncedAt": "2027-01-12T06:31:00Z",
    }
    forged = "Basic " + base64.b64encode(b"someone:guess").decode()
    assert webhook(complaint, authorization=forged).status_code == 400
    smith.refresh_from_db()
    assert smith.suppressed_at is None
    assert webhook(complaint).status_code == 200
    smith.refresh_from_db()
    assert smith.suppressed_at is not None
