"""A trust's urgent notice: one decision, first on every chosen school (issue 23.2).

Each school is a Wagtail site with its own host name; the notice is one page in the
trust's folder, outside every school's tree.
"""

from __future__ import annotations

import threading

import django_rq
import pytest
from django.db import connection, transaction
from django.test import Client
from rq import SimpleWorker

from cms.models import TrustNoticePage
from moderation.workflow.rules import is_sensitive
from tests.school_site import build_school_site, pinned_notice
from tests.trust_schools import school_site, trust_folder, trust_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(home_page):
    """Meadowbank (the default site, with every page type) and two more schools."""
    meadowbank = build_school_site(home_page)
    return {
        "meadowbank": meadowbank,
        "second": school_site(2),
        "third": school_site(3),
    }


def band_titles(host: str, path: str = "/") -> list[str]:
    """The titles in the notices band, top to bottom, as a parent sees them."""
    response = Client(HTTP_HOST=host).get(path)
    html = response.content.decode()
    titles = []
    start = html.find('class="pinned-band__title"')
    while start != -1:
        end = html.find("</strong>", start)
        titles.append(html[start:end].rsplit(">", 1)[-1])
        start = html.find('class="pinned-band__title"', end)
    return titles


def run_default_queue() -> None:
    queue = django_rq.get_queue("default")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def publish(page, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()


def test_it_shows_first_on_every_page_of_each_chosen_school_and_nowhere_else(
    schools, django_capture_on_commit_callbacks
):
    meadowbank = schools["meadowbank"]
    own = pinned_notice(meadowbank.notices, "Meadowbank: boiler broken", kind="closure")
    pinned_notice(meadowbank.notices, "Half term: when we will reply", kind="holiday")
    # The pages are cached before the decision: the decision must reach them.
    assert band_titles("localhost")[0] == "Meadowbank: boiler broken"
    notice = trust_notice(
        trust_folder(), schools=[meadowbank.home.get_site(), schools["second"]]
    )
    publish(notice, django_capture_on_commit_callbacks)

    news = meadowbank.news_index
    for path in [
        "/",
        news.url,
        meadowbank.notices.url,
        own.url,
        meadowbank.social_media.url,
        "/search/?q=snow",
        "/term-dates/",
        "/no-such-page/",
    ]:
        assert band_titles("localhost", path) == [
            "All our schools are closed today",
            "Meadowbank: boiler broken",
            "Half term: when we will reply",
        ], path
    assert band_titles("school-2.example") == ["All our schools are closed today"]
    assert band_titles("school-3.example") == []  # not chosen


def test_its_full_text_is_on_each_chosen_schools_own_website(
    schools, django_capture_on_commit_callbacks
):
    notice = trust_notice(trust_folder(), schools=[schools["second"]])
    publish(notice, django_capture_on_commit_callbacks)
    address = f"/trust-notices/{notice.pk}/"
    page = Client(HTTP_HOST="school-2.example").get(address)
    assert page.status_code == 200
    assert "every school in the trust is closed" in page.content.decode()
    band = Client(HTTP_HOST="school-2.example").get("/").content.decode()
    assert f'href="{address}"' in band  # "Read the full notice" opens it there
    assert Client(HTTP_HOST="school-3.example").get(address).status_code == 404
    assert Client(HTTP_HOST="localhost").get(address).status_code == 404
    assert (
        Client(HTTP_HOST="school-2.example").get("/trust-notices/999/").status_code
        == 404
    )


def test_the_api_lists_it_first_among_each_chosen_schools_notices(
    schools, django_capture_on_commit_callbacks
):
    meadowbank = schools["meadowbank"]
    pinned_notice(meadowbank.notices, "Meadowbank: boiler broken", kind="closure")
    notice = trust_notice(trust_folder(), schools=[meadowbank.home.get_site()])
    publish(notice, django_capture_on_commit_callbacks)
    client = Client(HTTP_HOST="localhost")
    items = client.get("/api/v2/pages/?type=cms.NoticePage").json()["items"]
    assert [item["title"] for item in items] == [
        "All our schools are closed today",
        "Meadowbank: boiler broken",
    ]
    detail = client.get(
        f"/api/v2/pages/{notice.pk}/?fields=message,kind,schools_named,school_url"
    ).json()
    assert detail["kind"] == "closure"
    assert detail["schools_named"] == ["Meadowbank Primary School"]
    assert detail["school_url"] == f"http://localhost/trust-notices/{notice.pk}/"
    other = Client(HTTP_HOST="school-3.example")
    assert other.get("/api/v2/pages/?type=cms.NoticePage").json()["items"] == []
    assert other.get(f"/api/v2/pages/{notice.pk}/").status_code == 404


def test_reopening_clears_it_from_every_school_at_once(
    schools, django_capture_on_commit_callbacks
):
    meadowbank = schools["meadowbank"]
    chosen = [meadowbank.home.get_site(), schools["second"], schools["third"]]
    notice = trust_notice(trust_folder(), schools=chosen)
    publish(notice, django_capture_on_commit_callbacks)
    for host in ("localhost", "school-2.example", "school-3.example"):
        assert band_titles(host) == ["All our schools are closed today"], host
    with django_capture_on_commit_callbacks(execute=True):
        notice.unpublish()
    for host in ("localhost", "school-2.example", "school-3.example"):
        assert band_titles(host) == [], host
        api = Client(HTTP_HOST=host).get("/api/v2/pages/?type=cms.NoticePage")
        assert api.json()["items"] == []
    address = f"/trust-notices/{notice.pk}/"
    assert Client(HTTP_HOST="school-2.example").get(address).status_code == 404


def test_a_school_still_publishes_its_own_notice_below_the_trusts(
    schools, django_capture_on_commit_callbacks
):
    notice = trust_notice(trust_folder(), schools=[schools["second"]])
    publish(notice, django_capture_on_commit_callbacks)
    second_notices = schools["second"].root_page.get_children().get(slug="notices")
    own = pinned_notice(second_notices.specific, "School 2: open for exams", live=False)
    publish(own, django_capture_on_commit_callbacks)
    assert band_titles("school-2.example") == [
        "All our schools are closed today",
        "School 2: open for exams",
    ]


def test_it_always_needs_a_senior_leader_whatever_the_setting(schools, settings):
    settings.MODERATION_SENIOR_APPROVAL_PAGE_TYPES = []
    notice = trust_notice(trust_folder(), schools=[schools["second"]])
    assert is_sensitive(notice)


def test_a_trust_notice_is_a_closure_or_an_urgent_notice(schools):
    notice = TrustNoticePage(title="Newsletter", kind="general", message="<p>Hello</p>")
    with pytest.raises(Exception, match="closure or an urgent notice"):
        notice.full_clean(exclude=["path", "depth", "slug"])


def test_the_trust_folder_and_its_notices_have_no_page_of_their_own(
    schools, django_capture_on_commit_callbacks
):
    folder = trust_folder()
    notice = trust_notice(folder, schools=[schools["second"]])
    publish(notice, django_capture_on_commit_callbacks)
    publish(folder, django_capture_on_commit_callbacks)
    for host in ("localhost", "school-2.example"):
        client = Client(HTTP_HOST=host)
        assert client.get(folder.url_path).status_code == 404
        assert client.get(notice.url_path).status_code == 404


def test_approval_and_reopening_purge_each_chosen_schools_pages_from_the_cdn(
    schools,
    settings,
    cdn_emulator,
    redis_connection,
    django_capture_on_commit_callbacks,
):
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": cdn_emulator.base_url,
        }
    }
    cdn_emulator.reset()
    chosen = [schools["meadowbank"].home.get_site(), schools["second"]]
    notice = trust_notice(trust_folder(), schools=chosen)
    publish(notice, django_capture_on_commit_callbacks)
    run_default_queue()
    expected = {
        "http://localhost/",
        f"http://localhost/trust-notices/{notice.pk}/",
        "http://school-2.example/",
        f"http://school-2.example/trust-notices/{notice.pk}/",
    }
    assert set(cdn_emulator.purged) == expected  # School 3 was not chosen
    cdn_emulator.reset()
    with django_capture_on_commit_callbacks(execute=True):
        notice.unpublish()
    run_default_queue()
    assert set(cdn_emulator.purged) == expected


@pytest.mark.django_db(transaction=True)
def test_approved_while_a_school_is_mid_publish_both_show_and_nothing_is_lost(
    home_page,
):
    """The fault: a school's own publish is still in its transaction at approval."""
    build_school_site(home_page)
    second = school_site(2)
    school_3 = school_site(3)
    notices = second.root_page.get_children().get(slug="notices").specific
    own = pinned_notice(notices, "School 2: boiler fixed", live=False)
    notice = trust_notice(trust_folder(), schools=[second, school_3])
    assert band_titles("school-2.example") == []  # cached before either
    mid_publish, approved = threading.Event(), threading.Event()
    failures = []

    def school_publishes():
        try:
            with transaction.atomic():
                own.save_revision().publish()
                mid_publish.set()
                # On PostgreSQL the approval commits meanwhile; SQLite has one
                # writer at a time, so there it waits for this commit.
                approved.wait(timeout=2)
        except Exception as error:  # noqa: BLE001 (reported by the test below)
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=school_publishes)
    thread.start()
    assert mid_publish.wait(timeout=30)
    notice.save_revision().publish()
    approved.set()
    thread.join(timeout=30)
    assert failures == []
    assert band_titles("school-2.example") == [
        "All our schools are closed today",
        "School 2: boiler fixed",
    ]
    assert band_titles("school-3.example") == ["All our schools are closed today"]
    assert band_titles("localhost") == []
