"""The office answers "did the Smiths get it?"; editors never see an address."""

from __future__ import annotations

import json

from alerts.models import AlertEmail, Subscriber
from moderation import roles
from tests.alerts.conftest import URGENT_ONLY, closure, confirmed_subscriber
from tests.factories import staff
from tests.twofactor import login_verified


def test_the_office_finds_a_family_and_sees_what_they_were_sent(
    school, smtp, worker, publish, client
):
    site = school.home.get_site()
    smith = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    confirmed_subscriber(site, "jones@family.example", URGENT_ONLY)
    publish(closure(school.notices))
    worker.drain()
    login_verified(client, staff("office", roles.SCHOOL_OFFICE))

    found = client.get("/admin/email-updates/families/?q=SMITH").content.decode()
    assert "smith@family.example" in found
    assert "jones@family.example" not in found
    detail = client.get(f"/admin/email-updates/families/{smith.pk}/").content.decode()
    assert "Snow: school closed today" in detail
    assert "Sent" in detail
    for nonsense in ("abc", "²", "9" * 30, "999999"):
        answer = client.get(f"/admin/email-updates/families/?alert={nonsense}")
        assert answer.status_code == 404

    export = client.get(f"/admin/email-updates/families/{smith.pk}/export/")
    data = json.loads(export.content)
    assert data["email"] == "smith@family.example"
    assert data["emails"][0]["status"] == AlertEmail.Status.SENT
    assert data["choices"] == {"urgent": "immediate"}

    client.post(f"/admin/email-updates/families/{smith.pk}/delete/")
    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "jones@family.example"
    ]


def test_editors_see_counts_but_never_an_address(school, smtp, worker, publish, client):
    site = school.home.get_site()
    smith = confirmed_subscriber(site, "smith@family.example", URGENT_ONLY)
    publish(closure(school.notices))
    worker.drain()
    login_verified(client, staff("editor", roles.EDITORS))
    went = client.get("/admin/email-updates/")
    html = went.content.decode()
    assert went.status_code == 200
    assert "Snow: school closed today" in html
    assert "<td data-sent>1</td>" in html
    assert "smith@family.example" not in html
    for path in (
        "/admin/email-updates/families/",
        f"/admin/email-updates/families/{smith.pk}/",
        f"/admin/email-updates/families/{smith.pk}/export/",
    ):
        answer = client.get(path)
        assert answer.status_code in (302, 403), path
        assert b"smith@family.example" not in answer.content
    client.post(f"/admin/email-updates/families/{smith.pk}/delete/")
    assert Subscriber.objects.filter(pk=smith.pk).exists()


def test_the_office_of_one_school_does_not_see_another_schools_families(
    school, other_school, client
):
    theirs = confirmed_subscriber(
        other_school.site, "patel@family.example", URGENT_ONLY
    )
    login_verified(client, staff("office", roles.SCHOOL_OFFICE))
    listing = client.get("/admin/email-updates/families/").content.decode()
    assert "patel@family.example" not in listing
    assert client.get(f"/admin/email-updates/families/{theirs.pk}/").status_code == 404
