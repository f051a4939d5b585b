"""Django never serves uploads to visitors (docs/operations/media-storage.md, issue 9).

Originals and renditions are private: their URLs are the admin's media view, behind
the two-factor gate; documents go through ``/documents/``, which answers visitors
only for documents a live, public page links. In development (DEBUG) Django serves
only the public copies, as nginx does in production.
"""

from django.conf import settings
from django.test import Client

from tests.factories import DocumentFactory, ImageFactory, UserFactory
from tests.twofactor import login_verified


def test_uploaded_originals_and_document_files_are_not_served_to_visitors(client, db):
    image = ImageFactory(no_identifiable_learners=True)
    document = DocumentFactory(no_identifiable_learners=True)
    staff = Client()
    login_verified(staff, UserFactory(is_superuser=True))

    assert image.file.url.startswith("/admin/media/original_images/")
    assert document.file.url.startswith("/admin/media/documents/")
    assert client.get(image.file.url).status_code == 302  # to the sign-in page
    assert client.get(document.file.url).status_code == 302
    assert client.get(document.url).status_code == 404  # on no live page
    # Staff past the second factor see the original and the document.
    assert staff.get(image.file.url).status_code == 200
    assert staff.get(document.file.url).status_code == 404  # only via /documents/
    assert staff.get(document.url).status_code == 200


def test_public_copies_are_the_only_media_under_the_served_folder():
    assert settings.PUBLIC_MEDIA_URL == "/media/public/"
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.PUBLIC_MEDIA_ROOT))
    assert not str(settings.PUBLIC_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_staff_browsers_revalidate_originals_so_a_withdrawn_one_is_not_kept(db):
    """Issue 20: an hour in a staff browser's cache was an hour of a withdrawn photo."""
    from moderation.consent.cascade import media_withdraw

    image = ImageFactory(no_identifiable_learners=True)
    staff = Client()
    login_verified(staff, UserFactory(is_superuser=True))
    response = staff.get(image.file.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    again = staff.get(image.file.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304 and again.content == b""
    media_withdraw(item=image, reason="consent withdrawn")
    gone = staff.get(image.file.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert gone.status_code == 404
