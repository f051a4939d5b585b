"""The demo school loads staff in their groups and content once, never in production."""

import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale

from cms.demo_school import DEMO_PASSWORD, demo_school_load
from cms.models import (
    NewsPage,
    NoticePage,
    SchoolImage,
    SocialMediaPage,
    StandardPage,
    TermDate,
)
from config import devstack

BASE_DIR = Path(__file__).resolve().parents[2]
ROLES = {
    "editor": {"Editors"},
    "approver": {"Approvers"},
    "head": {"Senior leadership", "Approvers", "Headteacher"},
    "dsl": {"Safeguarding"},
}


@pytest.fixture
def loaded(db, client):
    output = StringIO()
    call_command("load_demo_school", stdout=output)
    return output.getvalue()


def test_staff_sign_ins_are_in_their_role_groups(loaded):
    users = get_user_model().objects
    for username, groups in ROLES.items():
        user = users.get(username=username)
        roles = user.groups.filter(school_role__isnull=True)  # not the school's
        assert set(roles.values_list("name", flat=True)) == groups
        assert set(user.school_memberships.values_list("role", flat=True)) == groups
        assert not user.is_superuser
        assert user.check_password(DEMO_PASSWORD)
    admin = users.get(username="admin")
    assert admin.is_superuser
    assert len(DEMO_PASSWORD) >= 12


def test_content_is_published(loaded, client):
    news = NewsPage.objects.live().filter(locale__language_code="en-gb")
    assert news.count() == 20
    assert all(page.listing_image_id for page in news)
    assert SchoolImage.objects.count() == 40
    pinned = NoticePage.objects.live().current().pinned()
    assert pinned.count() == 1
    assert pinned.get().kind == NoticePage.Kind.HOLIDAY
    assert StandardPage.objects.live().count() == 3  # with the SEN information report
    assert SocialMediaPage.objects.live().count() == 1
    assert TermDate.objects.filter(kind=TermDate.Kind.TERM).count() == 3

    html = client.get("/").content.decode()
    assert "Meadowbank Primary School" in html
    assert pinned.get().title in html
    assert "Our social media" in html
    # Publishing the demo made the public copies: the news pictures show (issue 9).
    story = news.order_by("-date").first()
    story_html = client.get(story.url).content.decode()
    assert story_html.count('src="/media/public/images/') >= 2
    assert SchoolImage.objects.public().count() == 40


def test_loading_twice_duplicates_nothing(loaded):
    counts = (
        NewsPage.objects.count(),
        SchoolImage.objects.count(),
        TermDate.objects.count(),
        get_user_model().objects.count(),
    )

    summary = demo_school_load()

    assert summary.created_pages == [] and summary.created_users == []
    assert summary.created_term_dates == 0
    assert counts == (
        NewsPage.objects.count(),
        SchoolImage.objects.count(),
        TermDate.objects.count(),
        get_user_model().objects.count(),
    )


def test_if_empty_leaves_a_school_with_news_alone(loaded):
    NewsPage.objects.first().delete()  # the school has been editing
    left = NewsPage.objects.count()
    output = StringIO()

    call_command("load_demo_school", "--if-empty", stdout=output)

    assert "was not loaded" in output.getvalue()
    assert NewsPage.objects.count() == left


def test_command_prints_the_sign_ins(loaded):
    assert "editor, approver, head, dsl, admin" in loaded
    assert DEMO_PASSWORD in loaded
    assert devstack.DEMO_PASSWORD == DEMO_PASSWORD  # what `make run` prints


def test_term_dates_cover_the_school_year(db):
    demo_school_load(today=datetime.date(2027, 2, 1), now=timezone.now())

    terms = TermDate.objects.filter(kind=TermDate.Kind.TERM).order_by("starts_on")
    assert [term.starts_on.year for term in terms] == [2026, 2027, 2027]
    assert terms.first().starts_on.month == 9
    assert terms.last().ends_on.month == 7


def test_refuses_production_settings():
    """Run as an operator would, with production settings and a real environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="www.school.example",
        DATABASE_URL="sqlite:///" + str(BASE_DIR / "var" / "never-created.sqlite3"),
        REDIS_URL="redis://127.0.0.1:6379/0",
        SOCIAL_CREDENTIALS_KEY="cHJvZHVjdGlvbi10ZXN0LWtleS0zMi1ieXRlcy1sb24=",
    )

    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "load_demo_school"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "must not be loaded with production settings" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (BASE_DIR / "var" / "never-created.sqlite3").exists()


def test_the_demo_school_shows_its_statutory_information(loaded, client):
    from wagtail.models import Site

    from cms.statutory.checklist import school_checklist

    site = Site.objects.get(is_default_site=True)
    checklist = school_checklist(site, today=timezone.localdate())
    by_key = {row.requirement.key: row.status for row in checklist.rows}

    assert by_key["contact_details"].colour == "green"
    assert by_key["send_report"].colour == "amber"  # due within a fortnight
    assert by_key["behaviour_policy"].colour == "red"  # its page was never published
    home = client.get("/").content.decode()
    assert 'href="/statutory-information/"' in home
    public = client.get("/statutory-information/").content.decode()
    assert "Contact details" in public
    assert "Behaviour policy" not in public


def test_the_demo_school_is_bilingual_with_a_pair_waiting_for_approval(loaded, client):
    welsh_home = client.get("/cy/").content.decode()
    story = NewsPage.objects.get(slug="eisteddfod", locale__language_code="en-gb")
    welsh_story = story.get_translation(Locale.objects.get(language_code="cy"))

    assert "Ysgol Gynradd Glan-y-Ddôl" in welsh_home
    assert "Newyddion" in welsh_home
    assert story.current_workflow_state is not None  # waiting for the approver
    assert welsh_story.get_latest_revision_as_object().title == (
        "Eisteddfod yr ysgol ddydd Gwener"
    )
