"""Staff in each role, signed in with a second factor, and incidents to look at."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from moderation import roles
from moderation.incidents.services import evidence_add, incident_report
from moderation.models import IncidentCategory, Platform, Severity
from tests.factories import staff
from tests.publishing.conftest import (  # noqa: F401  (the ledger's fixtures)
    facebook_account,
    facebook_settings,
    news_index,
    publish,
    worker,
    x_account,
    x_settings,
)
from tests.twofactor import login_verified


@pytest.fixture
def editor(db):
    return staff("editor", roles.EDITORS)


@pytest.fixture
def other_editor(db):
    return staff("other_editor", roles.EDITORS)


@pytest.fixture
def approver(db):
    return staff("approver", roles.APPROVERS, roles.EDITORS)


@pytest.fixture
def senior_leader(db):
    return staff("deputy", roles.SENIOR_LEADERSHIP)


@pytest.fixture
def head(db):
    return staff("head", roles.SENIOR_LEADERSHIP, roles.APPROVERS, roles.HEADTEACHER)


@pytest.fixture
def dsl(db):
    return staff("dsl", roles.SAFEGUARDING)


@pytest.fixture
def superuser(db):
    return staff("admin", is_superuser=True, is_staff=True)


def signed_in(user, **kwargs) -> Client:
    client = Client()
    login_verified(client, user, **kwargs)
    return client


def report(
    by,
    *,
    category=IncidentCategory.ABUSE,
    url="https://www.facebook.com/groups/parents/posts/123",
    now: datetime.datetime | None = None,
    **extra,
):
    fields = {
        "reported_by": by,
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "platform": Platform.FACEBOOK,
        "account": "Parents of Meadowbank (unofficial group)",
        "url": url,
        "content_as_reported": "A comment calling a teacher names.",
        "people_involved": "A parent of a Year 4 pupil",
        "category": category,
        "severity": Severity.MEDIUM,
        "now": now,
        **extra,
    }
    return incident_report(**fields)


def png_bytes(colour="red", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="JPEG")
    return out.getvalue()


def upload(name="screenshot.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(
        name, png_bytes() if content is None else content, content_type
    )


def add_evidence(incident, by, *, name="screenshot.png", content=None, **extra):
    return evidence_add(
        incident=incident,
        upload=upload(name, content),
        description=extra.pop("description", "Screenshot of the comment, taken 9:05"),
        by=by,
        confirmed_no_indecent_images=True,
        **extra,
    )


@pytest.fixture(autouse=True)
def evidence_dir():
    """The private evidence folder (test settings), emptied around each test."""
    import shutil
    from pathlib import Path

    from moderation.models import EvidenceItem

    location = Path(EvidenceItem._meta.get_field("file").storage.location)
    shutil.rmtree(location, ignore_errors=True)
    yield location
    shutil.rmtree(location, ignore_errors=True)
