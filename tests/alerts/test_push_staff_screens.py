"""Staff see how many devices an alert will reach, and where the pushes went."""

from __future__ import annotations

from alerts.models import AlertPush
from moderation import roles
from tests.alerts.conftest import closure, subscribe_device
from tests.alerts.test_review_screen import _review
from tests.factories import staff
from tests.moderation.workflow.conftest import submit
from tests.twofactor import login_verified


def test_the_review_screen_says_how_many_devices_are_notified(school, push, client):
    for _ in range(3):
        subscribe_device(client, push, ["urgent"])
    subscribe_device(client, push, ["news"])
    author = staff("author", roles.EDITORS)
    notice = closure(school.notices, owner=author)
    submit(notice, author)
    html = _review(notice, staff("approver", roles.APPROVERS))
    assert "3 devices are notified straight away." in html


def test_where_it_went_counts_devices_notified_and_not(
    school, push, worker, publish, client
):
    subscribe_device(client, push, ["urgent"])
    gone = subscribe_device(client, push, ["urgent"])
    push.device_gone(gone["endpoint"])
    publish(closure(school.notices))
    worker.drain()
    alert_id = AlertPush.objects.values_list("alert_id", flat=True).first()
    login_verified(client, staff("office", roles.SCHOOL_OFFICE))
    html = client.get("/admin/email-updates/").content.decode()
    row = html[html.index(f'data-alert="{alert_id}"') :]
    assert "<td data-push-sent>1</td>" in row
    assert "<td data-push-not-sent>1</td>" in row
