"""Media are private unless a live, public page publishes them (issue 9: 1-3, 10).

Every test fetches what a visitor could: the page, /api/v2/pages/, /api/v2/images/,
/api/v2/documents/, RSS, the sitemap, search, each rendition's and the original's
URL and the document URLs, as nginx + Django answer them (``fetch_anonymously``).
Each has a positive control: a consented photo on an approved page IS shown.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cms.caching.generation import content_generation
from cms.jobs import public_media_check
from cms.models import NewsPage, SchoolDocument, SchoolImage
from cms.public_media import (
    PUBLIC_IMAGE_FILTERS,
    public_media_reconcile,
    public_rendition,
)
from moderation.consent.rules import ConsentViolation
from moderation.consent.services import consent_record
from tests.documents import pdf_document, pdf_shows
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    LearnerFactory,
    NewsPageFactory,
    UserFactory,
    learner_with_consent,
    tagged_image,
    untagged_document,
    untagged_image,
)
from tests.media_files import (
    assert_clean_and_upright,
    fetch_anonymously,
    photo_with_camera_metadata,
)
from tests.twofactor import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_storage")]

UPLOAD_NAME = "IMG_2024_sports_day_field"
PDF = pdf_document(text="Autumn term letter")


def is_the_letter(status_and_body: tuple[int, bytes]) -> bool:
    """Served, and the same letter (the public copy is re-saved without metadata)."""
    status, body = status_and_body
    return status == 200 and "(Autumn term letter)" in pdf_shows(body)


def camera_file(name: str = f"{UPLOAD_NAME}.jpg") -> ContentFile:
    return ContentFile(photo_with_camera_metadata(), name=name)


def photo(*learners, **fields) -> SchoolImage:
    fields.setdefault("file__from_file", camera_file())
    fields.setdefault("file__filename", f"{UPLOAD_NAME}.jpg")
    return tagged_image(*learners, **fields)


def pdf(content: bytes = PDF, **fields) -> SchoolDocument:
    return DocumentFactory(
        file__from_file=ContentFile(content, name="autumn_letter_year3.pdf"),
        file__filename="autumn_letter_year3.pdf",
        **fields,
    )


def reload(item):
    return type(item).objects.get(pk=item.pk)


def news(
    parent, *, image=None, body_image=None, document=None, live=True, **fields
) -> NewsPage:
    """A news page: ``image`` the listing picture, ``body_image`` (default: the
    same) in the body, and a link to ``document``."""
    body = []
    body_image = image if body_image is None else body_image
    if body_image:
        body.append(("image", {"image": body_image, "caption": "On the field"}))
    if document is not None:
        body.append(("document", {"document": document, "title": "The letter"}))
    page = NewsPageFactory(
        parent=parent, listing_image=image, body=body, live=False, **fields
    )
    if live:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def api(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def image_urls(text: str) -> set[str]:
    return set(re.findall(r"/media/[^\s\"'<>)]+", text))


def everything_public(client, page: NewsPage) -> str:
    """Every public surface a visitor reads, as one text."""
    parts = [
        client.get(page.url).content.decode(),
        client.get("/api/v2/pages/?type=cms.NewsPage&fields=*").content.decode(),
        client.get(f"/api/v2/pages/{page.pk}/").content.decode(),
        client.get("/api/v2/images/?fields=*").content.decode(),
        client.get("/api/v2/documents/").content.decode(),
        client.get("/feeds/news.xml").content.decode(),
        client.get("/sitemap.xml").content.decode(),
        client.get("/search/?q=field").content.decode(),
        client.get("/news/").content.decode(),
    ]
    return "\n".join(parts)


def admin_rendition_urls(image: SchoolImage) -> list[str]:
    """The renditions the admin makes (listing, edit page, focal point chooser)."""
    return [
        image.get_rendition(spec).url
        for spec in ("max-165x165", "max-800x600", "original")
    ]


def stored_files(storage) -> list[str]:
    found = []
    for folder in ("images", "documents"):
        if storage.exists(folder):
            found += storage.listdir(folder)[1]
    return found


@pytest.fixture
def staff_client():
    staff = Client()
    login_verified(staff, UserFactory(is_superuser=True))
    return staff


# --- Bullet 1: private by default ----------------------------------------------


def test_a_never_published_photo_and_pdf_are_at_no_public_url(client, school):
    """The issue's first failures: tagged with a do-not-publish learner, no page."""
    hidden = LearnerFactory(do_not_publish=True)
    # Other files than the control's below: the same file uploaded again would be
    # recognised as a copy and keep the do-not-publish learner's tag.
    secret_photo = photo(
        hidden,
        title="Upload from the trip",
        file__from_file=ContentFile(
            photo_with_camera_metadata(other_picture=True), name="trip.jpg"
        ),
    )
    tagged_pdf = pdf(pdf_document(text="Trip letter"), title="Trip letter")
    tagged_pdf.learners.set([hidden])
    plain_pdf = untagged_document(file__filename="never_on_a_page.pdf", file__data=PDF)
    # Positive control: a consented photo and a PDF on an approved page.
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    shown = photo(amelia, title="Sports day")
    linked = pdf(title="Sports day letter", no_identifiable_learners=True)
    page = news(school.news_index, image=shown, document=linked, title="Sports day")

    listed = api(client, "/api/v2/images/")["items"]
    assert [item["id"] for item in listed] == [shown.pk]
    documents = api(client, "/api/v2/documents/")["items"]
    assert [item["id"] for item in documents] == [linked.pk]
    for item in (secret_photo,):
        assert client.get(f"/api/v2/images/{item.pk}/").status_code == 404
    for item in (tagged_pdf, plain_pdf):
        assert client.get(f"/api/v2/documents/{item.pk}/").status_code == 404
        assert fetch_anonymously(item.url)[0] == 404  # /documents/<id>/<name>
        assert fetch_anonymously(item.file.url)[0] != 200
    for url in [*admin_rendition_urls(secret_photo), secret_photo.file.url]:
        status, _ = fetch_anonymously(url)
        assert status != 200, url  # the admin's sign-in page, never the picture
    everything = everything_public(client, page)
    assert "Upload from the trip" not in everything
    for url in image_urls(everything):
        assert fetch_anonymously(url)[0] == 200, url
    # The control: the approved page's picture and letter are served.
    assert fetch_anonymously(linked.url)[0] == 302
    assert is_the_letter(
        fetch_anonymously(
            api(client, "/api/v2/documents/")["items"][0]["meta"]["download_url"]
        )
    )


def test_admin_renditions_are_served_only_to_verified_staff(client, staff_client):
    secret = photo(LearnerFactory(do_not_publish=True))
    urls = admin_rendition_urls(secret)

    assert all(url.startswith("/admin/media/images/") for url in urls)
    assert stored_files(storages["public_media"]) == []
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in page
    # Positive control: staff past the second factor see them in the admin.
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
    assert staff_client.get("/admin/media/../../etc/passwd").status_code == 404


def test_public_copies_have_unguessable_names_and_follow_the_page(client, school):
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    image = photo(amelia, title="Sports day")
    letter = pdf(title="Letter", no_identifiable_learners=True)
    page = news(school.news_index, image=image, document=letter, title="Sports day")

    html = client.get(page.url).content.decode()
    urls = {url for url in image_urls(html) if "/images/" in url}
    assert len(urls) == 1  # the listing and body pictures are the same size
    public = reload(image).public_files["files"]
    assert {copy["name"] for copy in public.values()} >= {
        url.removeprefix("/media/public/") for url in urls if "/images/" in url
    }
    document_url = reload(letter).public_files["files"]["document"]["name"]
    for url in urls:
        assert fetch_anonymously(url)[0] == 200
        for guessable in (
            UPLOAD_NAME,
            "sports",
            "amelia",
            "jones",
            "width-",
            "fill-",
            f"/{image.pk}.",
        ):
            assert guessable.lower() not in url.lower()
    assert "autumn_letter" not in document_url

    # The page stops using the picture: its copies go, the letter stays.
    page = NewsPage.objects.get(pk=page.pk)
    page.listing_image = None
    page.body = [("document", {"document": letter, "title": "The letter"})]
    page.save_revision().publish()
    for url in urls:
        assert fetch_anonymously(url)[0] == 404
    assert reload(image).public_files == {}
    assert api(client, "/api/v2/images/")["items"] == []
    assert fetch_anonymously(f"/media/public/{document_url}")[0] == 200

    # Unpublished: the letter goes too, and its /documents/ address is a 404.
    page.refresh_from_db()
    page.unpublish()
    assert fetch_anonymously(f"/media/public/{document_url}")[0] == 404
    assert fetch_anonymously(letter.url)[0] == 404
    assert api(client, "/api/v2/documents/")["items"] == []


def test_a_photo_shared_by_two_pages_stays_until_neither_shows_it(client, school):
    image = photo(learner_with_consent())
    first = news(school.news_index, image=image, title="First")
    second = news(school.news_index, image=image, title="Second")
    first.unpublish()
    assert reload(image).public_files != {}  # the second page still shows it
    assert image_urls(client.get(second.url).content.decode())
    second.delete()
    assert reload(image).public_files == {}
    assert stored_files(storages["public_media"]) == []


def test_consent_withdrawn_removes_the_public_copies(client, school):
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    image = photo(amelia)
    other = photo(learner_with_consent(), title="Library")
    page = news(school.news_index, image=image)
    control = news(school.news_index, image=other, title="Library week")
    urls = image_urls(client.get(page.url).content.decode())
    assert urls and all(fetch_anonymously(url)[0] == 200 for url in urls)

    consent_record(
        learner=amelia,
        use="website",
        given=False,
        given_on=timezone.localdate(),
        recorded_by="Office",
    )

    for url in urls:
        assert fetch_anonymously(url)[0] == 404
    assert not image_urls(client.get(page.url).content.decode())
    assert [item["id"] for item in api(client, "/api/v2/images/")["items"]] == [
        other.pk
    ]
    # The control: the other page's picture is still there.
    control_urls = image_urls(client.get(control.url).content.decode())
    assert control_urls and all(fetch_anonymously(u)[0] == 200 for u in control_urls)


def test_media_of_a_login_only_page_are_not_public(client, staff_client, school):
    image = photo(learner_with_consent())
    letter = pdf(no_identifiable_learners=True)
    page = news(school.news_index, live=False, image=image, document=letter)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    page.save_revision().publish()

    assert reload(image).public_files == {}
    assert api(client, "/api/v2/images/")["items"] == []
    assert fetch_anonymously(letter.url)[0] == 404
    # Staff who may see the page get the letter through the gated view.
    assert staff_client.get(letter.url).status_code == 200

    # Made public later: now the copies exist (the positive control) ...
    PageViewRestriction.objects.filter(page=page).delete()
    assert reload(image).public_files != {}
    assert fetch_anonymously(letter.url)[0] == 302
    # ... and made login-only again, they go.
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    assert reload(image).public_files == {}
    assert fetch_anonymously(letter.url)[0] == 404


# --- Bullet 2: the media APIs show what a parent sees --------------------------


def test_the_image_and_document_apis_show_no_titles_tags_or_file_names(client, school):
    image = photo(
        learner_with_consent(),
        title="STAFF-TITLE Jones family trip",
        description="Children running on the field",
        credit="Photo: Mrs Hughes",
    )
    image.tags.add("jones-family")
    letter = pdf(title="Sports day letter", no_identifiable_learners=True)
    letter.tags.add("jones-family")
    news(school.news_index, image=image, document=letter)

    listing = api(client, "/api/v2/images/?fields=*")
    detail = api(client, f"/api/v2/images/{image.pk}/")
    documents = api(client, "/api/v2/documents/?fields=*")
    document = api(client, f"/api/v2/documents/{letter.pk}/")

    [item] = listing["items"]
    assert set(detail) == {"id", "meta", "alt", "credit", "thumbnail", "large"}
    assert set(detail["meta"]) == {"type", "detail_url"}
    assert detail["alt"] == "Children running on the field"
    assert detail["credit"] == "Photo: Mrs Hughes"
    assert detail["thumbnail"]["url"].startswith("/media/public/images/")
    assert fetch_anonymously(detail["large"]["full_url"])[0] == 200
    assert set(document["meta"]) == {"type", "detail_url", "download_url"}
    assert document["title"] == "Sports day letter"
    assert is_the_letter(fetch_anonymously(document["meta"]["download_url"]))
    text = json.dumps([listing, detail, documents, document])
    for secret in ("STAFF-TITLE", "jones-family", UPLOAD_NAME, "autumn_letter"):
        assert secret not in text
    for query in ("fields=title", "fields=tags", "title=x", "order=title"):
        assert client.get(f"/api/v2/images/?{query}").status_code == 400, query
    assert client.get("/api/v2/documents/?fields=tags").status_code == 400


# --- Bullet 3: no metadata leaves the server -----------------------------------


def test_public_renditions_carry_no_camera_metadata_and_stand_upright(client, school):
    image = photo(learner_with_consent())
    original = image.file.read()
    assert b"SN-123456" in original  # the control: the upload has it all
    page = news(school.news_index, image=image)

    urls = image_urls(client.get(page.url).content.decode())
    urls |= {
        api(client, f"/api/v2/images/{image.pk}/")[size]["url"]
        for size in ("thumbnail", "large")
    }
    assert len(urls) == 3
    for url in urls:
        status, content = fetch_anonymously(url)
        assert status == 200
        assert_clean_and_upright(content)


# --- Bullet 10: defence in depth ------------------------------------------------


def test_a_page_made_live_behind_the_guards_back_shows_no_unchecked_media(
    client, school
):
    untagged = untagged_image(
        file__from_file=camera_file(), file__filename="unchecked.jpg"
    )
    loose_pdf = untagged_document(
        file__from_file=ContentFile(PDF, name="unchecked.pdf"),
        file__filename="unchecked.pdf",
    )
    page = news(school.news_index, live=False, image=untagged, document=loose_pdf)
    consented = photo(learner_with_consent(), title="Approved")
    approved = news(school.news_index, image=consented, title="Approved page")

    Page.objects.filter(pk=page.pk).update(live=True)

    html = client.get(page.url).content.decode()
    assert client.get(page.url).status_code == 200
    assert not image_urls(html) and "unchecked" not in html
    data = api(client, f"/api/v2/pages/{page.pk}/")
    assert data["listing_image"] is None
    assert [block["value"] for block in data["body"]] == [None, None]
    everything = everything_public(client, page)
    assert "unchecked" not in everything
    assert fetch_anonymously(loose_pdf.url)[0] == 404
    # The control: the approved page's picture shows.
    assert image_urls(client.get(approved.url).content.decode())


def test_saving_a_live_page_without_a_revision_shows_no_unchecked_media(client, school):
    consented = photo(learner_with_consent(), title="Approved")
    page = news(school.news_index, image=consented, body_image=False)
    assert len(image_urls(client.get(page.url).content.decode())) == 1  # control
    untagged = untagged_image(  # another picture: a copy would inherit the tags
        file__from_file=ContentFile(
            photo_with_camera_metadata(other_picture=True), name="unchecked.jpg"
        ),
        file__filename="unchecked.jpg",
    )

    page = NewsPage.objects.get(pk=page.pk)
    page.listing_image = untagged
    page.save()  # no revision, no publish: a plugin or data migration

    html = client.get(page.url).content.decode()
    assert client.get(page.url).status_code == 200
    assert not image_urls(html) and "unchecked" not in html
    assert api(client, f"/api/v2/pages/{page.pk}/")["listing_image"] is None
    assert reload(untagged).public_files == {}
    assert reload(consented).public_files == {}  # no live page uses it now


def test_a_photo_tagged_later_with_a_do_not_publish_learner_disappears(client, school):
    image = photo(learner_with_consent())
    page = news(school.news_index, image=image)
    assert image_urls(client.get(page.url).content.decode())

    SchoolImage.learners.through.objects.create(
        image=image, learner=LearnerFactory(do_not_publish=True)
    )

    assert not image_urls(client.get(page.url).content.decode())
    assert api(client, "/api/v2/images/")["items"] == []


def test_rendering_reads_no_query_per_image(
    client, school, django_assert_max_num_queries
):
    def news_listing_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/news/")
            client.get("/api/v2/pages/?type=cms.NewsPage&fields=listing_image")
            client.get("/api/v2/images/?fields=thumbnail,large")
            client.get("/feeds/news.xml")
        assert response.status_code == 200
        return len(queries)

    news(school.news_index, image=photo(learner_with_consent()))
    with_one = news_listing_queries()
    for number in range(9):
        news(
            school.news_index,
            image=photo(learner_with_consent(), title=f"Picture {number}"),
            title=f"More news {number}",
        )
    html = client.get("/news/").content.decode()
    assert len(image_urls(html)) == 10  # the control: every picture is shown

    with django_assert_max_num_queries(with_one):
        news_listing_queries()


def test_only_listed_filters_are_public_and_the_rest_show_nothing(school):
    """A template asking for a size with no public copy shows nothing, not a leak."""
    image = photo(learner_with_consent())
    news(school.news_index, image=image)
    image = reload(image)
    assert all(public_rendition(image, spec) for spec in PUBLIC_IMAGE_FILTERS)
    assert public_rendition(image, "max-165x165") is None
    assert not SchoolImage.objects.filter(Q(public_files={}) & Q(pk=image.pk)).exists()


def test_an_untagged_upload_is_never_given_public_copies(school):
    image = ImageFactory(file__filename="x.jpg")
    page = news(school.news_index, live=False, image=image)
    with pytest.raises(ConsentViolation, match="not tagged"):
        page.save_revision().publish()
    assert reload(image).public_files == {}
    assert stored_files(storages["public_media"]) == []


def test_a_consent_end_date_hides_the_picture_on_the_day_without_any_job(
    client, school
):
    learner = learner_with_consent("website")
    record = learner.consent_records.get()
    record.expires_on = timezone.localdate() + datetime.timedelta(days=30)
    record.save()
    image = photo(learner)
    page = news(school.news_index, image=image)
    assert reload(image).consent_cleared_until == record.expires_on
    assert image_urls(client.get(page.url).content.decode())  # the control

    # The stored end date has passed (the clock moved on; no job has run yet).
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    SchoolImage.objects.filter(pk=image.pk).update(consent_cleared_until=yesterday)
    # The day the page caches were built for has ended too (midnight is a boundary
    # of the content generation: cms/caching/generation.py).
    content_generation(now=timezone.now() + datetime.timedelta(days=1))

    assert not image_urls(client.get(page.url).content.decode())
    assert api(client, "/api/v2/images/")["items"] == []
    assert api(client, f"/api/v2/pages/{page.pk}/")["listing_image"] is None
    # The catch-up job then removes the copies themselves.
    assert public_media_check() == 1
    assert reload(image).public_files == {}


def test_staff_see_pictures_of_login_only_pages_but_never_withdrawn_ones(
    client, staff_client, school
):
    learner = learner_with_consent()
    image = photo(learner)
    page = news(school.news_index, live=False, image=image)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    page.save_revision().publish()

    staff_html = staff_client.get(page.url).content.decode()
    assert 'src="/admin/media/images/' in staff_html
    assert client.get(page.url).status_code == 302  # visitors are asked to sign in

    consent_record(
        learner=learner,
        use="website",
        given=False,
        given_on=timezone.localdate(),
        recorded_by="Office",
    )
    response = staff_client.get(page.url)
    assert response.status_code == 200
    assert "/admin/media/images/" not in response.content.decode()


def test_the_check_deletes_public_files_that_no_item_records(school):
    """A crash between writing a copy and recording it leaves no public file."""
    storage = storages["public_media"]
    image = photo(learner_with_consent())
    news(school.news_index, image=image)
    recorded = {copy["name"] for copy in reload(image).public_files["files"].values()}
    stray = storage.save("images/left-by-a-crash.jpg", camera_file())

    public_media_check()  # the stray file is newer than a publication takes
    assert storage.exists(stray)
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert public_media_reconcile(now=later) == 1
    assert not storage.exists(stray)
    assert all(storage.exists(name) for name in recorded)  # the control


def test_a_document_linked_from_rich_text_is_published_at_its_public_copy(
    client, school
):
    letter = pdf(title="Trip letter", no_identifiable_learners=True)
    never_linked = pdf(title="Draft letter", no_identifiable_learners=True)
    page = NewsPageFactory(
        parent=school.news_index,
        live=False,
        body=[
            (
                "paragraph",
                f'<p>Read <a linktype="document" id="{letter.pk}">the letter</a>.</p>',
            )
        ],
    )
    page.save_revision().publish()

    html = client.get(page.url).content.decode()
    public_name = reload(letter).public_files["files"]["document"]["name"]
    assert f'href="/media/public/{public_name}"' in html  # the control
    assert letter.url not in html and "autumn_letter" not in html
    assert is_the_letter(fetch_anonymously(f"/media/public/{public_name}"))
    assert fetch_anonymously(never_linked.url)[0] == 404
