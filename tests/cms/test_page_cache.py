"""The page cache: parents share one copy; every content change retires it at once.

Invalidation rules (publish, unpublish, expiry, consent withdrawal, banners), the
headers parents' browsers and nginx use (ETag, Last-Modified, 304, no Vary: Cookie),
staff always seeing fresh pages, and the query strings and headers that must not
fill the cache or reach the database.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import http_date
from wagtail.models import Page, PageViewRestriction

from cms.caching.generation import content_generation
from cms.models import NewsPage
from cms.public_media import public_rendition
from moderation.consent.services import consent_record
from moderation.signals import consent_withdrawn
from tests.factories import (
    NewsPageFactory,
    NoticePageFactory,
    StandardPageFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
)
from tests.school_site import pinned_notice
from tests.twofactor import login_verified

CACHE = "X-Page-Cache"


def test_the_second_parent_gets_the_stored_page_without_the_database(
    client, school, django_assert_num_queries
):
    NewsPageFactory(parent=school.news_index, title="Snow day plans")

    first = client.get(school.home.url)
    with django_assert_num_queries(0):
        second = client.get(school.home.url)

    assert first[CACHE] == "miss" and second[CACHE] == "hit"
    assert second.content == first.content
    assert "Snow day plans" in second.content.decode()
    for response in (first, second):
        assert "Vary" not in response or "cookie" not in response["Vary"].lower()
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"]
        assert "s-maxage=" in response["Cache-Control"]
        assert "public" in response["Cache-Control"]


def test_a_browser_revalidating_gets_304_until_the_content_changes(client, school):
    page = client.get(school.news_index.url)

    by_etag = client.get(school.news_index.url, HTTP_IF_NONE_MATCH=page["ETag"])
    by_date = client.get(
        school.news_index.url, HTTP_IF_MODIFIED_SINCE=page["Last-Modified"]
    )
    stale_date = http_date(content_generation().changed_at - 60)
    older = client.get(school.news_index.url, HTTP_IF_MODIFIED_SINCE=stale_date)
    assert by_etag.status_code == 304 and by_date.status_code == 304
    assert by_etag["ETag"] == page["ETag"]
    assert older.status_code == 200  # control: an older copy gets the page

    NewsPageFactory(parent=school.news_index, title="Hall closed")
    after_etag = client.get(school.news_index.url, HTTP_IF_NONE_MATCH=page["ETag"])
    after_date = client.get(
        school.news_index.url, HTTP_IF_MODIFIED_SINCE=page["Last-Modified"]
    )

    assert after_etag.status_code == 200 and after_date.status_code == 200
    assert "Hall closed" in after_etag.content.decode()


def test_publishing_and_unpublishing_show_at_once(client, school):
    story = NewsPageFactory(parent=school.news_index, title="Choir concert")
    client.get(school.home.url)
    client.get(story.url)
    draft = NewsPage(title="Snow: school closed", summary="Closed today.")
    school.news_index.add_child(instance=draft)
    draft.unpublish()
    assert "Snow: school closed" not in client.get(school.home.url).content.decode()

    draft.save_revision().publish()
    assert "Snow: school closed" in client.get(school.home.url).content.decode()

    story.unpublish()
    assert "Choir concert" not in client.get(school.home.url).content.decode()
    assert client.get(story.url).status_code == 404


def test_expiry_run_by_the_scheduler_empties_the_cache(client, school):
    story = NewsPageFactory(parent=school.news_index, title="Cake sale today")
    assert "Cake sale today" in client.get(school.news_index.url).content.decode()
    Page.objects.filter(pk=story.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(school.news_index.url)[CACHE] == "hit"  # no signal yet

    call_command("publish_scheduled")

    response = client.get(school.news_index.url)
    assert "Cake sale today" not in response.content.decode()
    assert client.get(story.url).status_code == 404


def test_a_withdrawn_photo_leaves_every_cached_page(client, school):
    """SAFEGUARDING (C1): a cached page must never keep showing a withdrawn photo."""
    learner = learner_with_consent()
    photo = tagged_image(learner, title="Sports day photo")
    story = NewsPageFactory(parent=school.news_index, listing_image=photo)
    photo.refresh_from_db()
    copies = [
        public_rendition(photo, spec).url
        for spec in ("fill-600x400", "width-960")  # cards, the news page
    ]
    pages = [school.home.url, school.news_index.url, story.url]
    for url in pages:
        html = client.get(url).content.decode()
        assert any(copy in html for copy in copies), url  # control: it is shown
        assert client.get(url)[CACHE] == "hit"

    consent_record(
        learner=learner,
        use="website",
        given=False,
        given_on=timezone.localdate(),
        recorded_by="Parent by phone",
    )

    for url in pages:
        html = client.get(url).content.decode()
        assert not any(copy in html for copy in copies), url


def test_the_consent_withdrawn_signal_alone_retires_cached_pages(client, school):
    NewsPageFactory(parent=school.news_index)
    client.get(school.news_index.url)
    assert client.get(school.news_index.url)[CACHE] == "hit"

    consent_withdrawn.send(
        sender=object, image_ids=[], document_ids=[], learner_id=1, reason="test"
    )

    assert client.get(school.news_index.url)[CACHE] == "miss"


def test_a_new_banner_is_on_every_cached_page(client, school):
    story = NewsPageFactory(parent=school.news_index)
    urls = [
        school.home.url,
        school.news_index.url,
        story.url,
        "/search/?q=news",
        "/term-dates/",
    ]
    for url in urls:
        client.get(url)
        assert client.get(url)[CACHE] == "hit", url

    pinned_notice(school.notices, "Snow: school closed today")

    for url in urls:
        assert "Snow: school closed today" in client.get(url).content.decode(), url


def test_passing_the_next_scheduled_moment_starts_a_new_generation(db):
    """No signal fires at midnight or when a notice starts: the clock retires pages."""
    now = timezone.now()
    before = content_generation(now=now)
    assert content_generation(now=now).token == before.token  # control

    later = datetime.datetime.fromtimestamp(before.fresh_until, tz=datetime.UTC)

    assert content_generation(now=later).token != before.token


def test_a_scheduled_notice_shortens_the_generation(school):
    now = timezone.now()
    starts = now + datetime.timedelta(minutes=10)
    pinned_notice(school.notices, "Early closure", valid_from=starts)

    generation = content_generation(now=now)

    assert generation.fresh_until == pytest.approx(starts.timestamp())


def test_staff_always_see_fresh_pages(client, school):
    story = NewsPageFactory(parent=school.news_index, title="Old title")
    client.get(story.url)
    # A change no signal announces, so only a cache-free view can show it.
    Page.objects.filter(pk=story.pk).update(title="New title")
    assert "Old title" in client.get(story.url).content.decode()  # control

    login_verified(client, UserFactory(is_staff=True))
    response = client.get(story.url)

    assert "New title" in response.content.decode()
    assert CACHE not in response
    assert "private" in response["Cache-Control"]


def test_random_query_strings_neither_fill_the_cache_nor_reach_the_database(
    client, school, django_assert_num_queries
):
    first = client.get(school.home.url, {"x": "random-0"})
    with django_assert_num_queries(0):
        for number in range(1, 30):
            response = client.get(
                school.home.url,
                {"x": f"random-{number}", "utm_source": "facebook", "fbclid": number},
            )
            assert response[CACHE] == "hit"
            assert response.content == first.content


def test_huge_page_numbers_share_one_entry_and_show_the_last_page(
    client, school, django_assert_num_queries
):
    for number in range(25):
        NewsPageFactory(parent=school.news_index, title=f"Story {number:02d}")
    first = client.get(school.news_index.url, {"page": "99999"})
    assert "Story 00" in first.content.decode()  # the last page

    with django_assert_num_queries(0):
        for page in ("100000", "5" * 30, "12345678"):
            assert client.get(school.news_index.url, {"page": page})[CACHE] == "hit"


def test_head_is_answered_from_the_cache_with_the_same_headers(client, school):
    get = client.get(school.home.url)

    head = client.head(school.home.url)

    assert head.status_code == 200 and head[CACHE] == "hit"
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def test_language_and_encoding_headers_do_not_split_the_cache(client, school):
    client.get(school.home.url)
    for headers in (
        {"HTTP_ACCEPT_LANGUAGE": "cy-GB,cy;q=0.9"},
        {"HTTP_ACCEPT_LANGUAGE": "pl"},
        {"HTTP_ACCEPT_ENCODING": "gzip, br"},
        {"HTTP_ACCEPT_ENCODING": "identity"},
        {"HTTP_COOKIE": "_ga=GA1.2.3; _fbp=fb.1.2"},
    ):
        response = client.get(school.home.url, **headers)
        assert response[CACHE] == "hit", headers
        assert "Vary" not in response, headers


def test_pages_behind_a_password_or_sign_in_are_never_stored(client, school):
    private = StandardPageFactory(parent=school.home, title="Staff room")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    members = StandardPageFactory(parent=school.home, title="Governors")
    PageViewRestriction.objects.create(
        page=members, restriction_type=PageViewRestriction.LOGIN
    )
    public = client.get(school.home.url)
    assert public[CACHE] == "miss"  # control: public pages are stored

    for page in (private, members):
        for _ in range(2):
            response = client.get(page.url)
            assert response.get(CACHE) is None
            assert "Staff room" not in response.content.decode()


def test_the_api_is_cached_and_refreshed_on_publish(client, school):
    NewsPageFactory(parent=school.news_index, title="First story")
    url = "/api/v2/pages/?type=cms.NewsPage&fields=date,summary"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url + "&utm_campaign=snow")[CACHE] == "hit"

    NewsPageFactory(parent=school.news_index, title="Second story")

    data = client.get(url).json()
    assert {item["title"] for item in data["items"]} == {"First story", "Second story"}


def test_a_bad_api_query_is_answered_but_not_stored(client, school):
    for _ in range(2):
        response = client.get("/api/v2/pages/?nonsense=1")
        assert response.status_code == 400
        assert response.get(CACHE) is None


def test_notices_and_feeds_are_cached_too(client, school):
    notice = NoticePageFactory(parent=school.notices, title="Flu clinic")
    for url in (notice.url, "/feeds/news.xml", "/feeds/term-dates.ics"):
        assert client.get(url)[CACHE] == "miss", url
        assert client.get(url)[CACHE] == "hit", url


@pytest.mark.parametrize(
    "reader_accept",
    ["application/rss+xml", "*/*", "application/rss+xml, text/html;q=0.5", None],
)
def test_a_browser_and_a_feed_reader_each_get_their_own_stored_feed(
    client, school, reader_accept
):
    """A browser gets the readable page, a reader the RSS, each from its own entry.

    A reader that also accepts HTML (less than RSS) must never be handed the page
    a browser left in the cache.
    """
    browser = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
    reader = {"HTTP_ACCEPT": reader_accept} if reader_accept else {}
    assert client.get("/feeds/news.xml", **browser)[CACHE] == "miss"
    assert client.get("/feeds/news.xml", **reader)[CACHE] == "miss"
    from_browser = client.get("/feeds/news.xml", **browser)
    from_reader = client.get("/feeds/news.xml", **reader)
    assert from_browser[CACHE] == from_reader[CACHE] == "hit"
    assert from_browser["Content-Type"].startswith("text/html")
    assert from_reader["Content-Type"].startswith("application/rss+xml")
    assert "Accept" in from_browser["Vary"] and "Accept" in from_reader["Vary"]


def test_gunicorn_is_answered_from_the_cache_before_django_runs(
    client, school, django_assert_num_queries
):
    """config.wsgi's wrapper serves the stored page; misses go to Django."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test.client import RequestFactory

    from config.wsgi import application

    def wsgi_get(**headers):
        environ = RequestFactory().get(school.home.url, **headers).environ
        replies = {}

        def start_response(status, response_headers):
            replies.update(status=status, headers=dict(response_headers))

        # As Django's test client does: the handler must not close the test's
        # database connection (it is inside the test's transaction).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = b"".join(application(environ, start_response))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return replies, body

    first, first_body = wsgi_get()  # a miss: Django renders and stores it
    with django_assert_num_queries(0):
        second, second_body = wsgi_get(HTTP_COOKIE="_ga=GA1.2.3")
        revalidated, empty = wsgi_get(HTTP_IF_NONE_MATCH=second["headers"]["ETag"])
        head, head_body = wsgi_get(REQUEST_METHOD="HEAD")

    assert first["headers"][CACHE] == "miss"
    assert second["status"] == "200 OK" and second["headers"][CACHE] == "hit"
    assert second_body == first_body and b"Meadowbank" in second_body
    # The hit carries the very headers the miss did (but the cache's own marker).
    assert {k: v for k, v in second["headers"].items() if k != CACHE} == {
        k: v for k, v in first["headers"].items() if k != CACHE
    }
    assert "Vary" not in second["headers"]
    assert second["headers"]["Content-Length"] == str(len(first_body))
    assert revalidated["status"].startswith("304") and empty == b""
    assert head["status"] == "200 OK" and head_body == b""
    assert head["headers"]["Content-Length"] == str(len(first_body))
    login_verified(client, UserFactory(is_staff=True))
    staff = client.get(school.home.url)
    assert CACHE not in staff  # a session cookie is never answered from the cache
