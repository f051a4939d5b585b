"""Documents are not published byte for byte (issue 20, class 2; issue 22, item 3).

Before: a PDF whose Title, Author or Subject held a pupil's full name went public
unchanged, and a withdrawn photo placed in a PDF and ticked "no identifiable
learners" went public. Here the family: every place a PDF or an Office file keeps a
name outside its pages, pictures inside (the very same JPEG, a re-encoded copy, a
tagged photo, a picture of nobody), files that cannot be cleaned; each judged by the
rules and, where it may go, its public copy read back.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageOps
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from moderation.consent.cascade import media_withdraw
from moderation.consent.rules import Channel, ConsentViolation, page_violations
from moderation.consent.services import consent_record
from moderation.roles import EDITORS
from tests.documents import (
    office_document,
    office_hidden_words,
    pdf_document,
    pdf_hidden_words,
    pdf_pictures,
    pdf_shows,
    pdf_with_attachment,
    pdf_with_password,
)
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsPageFactory,
    distinct_picture,
    learner_with_consent,
    school_collection,
    staff,
)
from tests.media_files import fetch_anonymously
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db
WEBSITE = Channel.website()
SEED = 2_000_020_002  # far from the factories' seeds
NAME = "Amelia Jones"


def photo_bytes(seed: int = SEED) -> bytes:
    return distinct_picture(seed, size=(240, 180), image_format="JPEG")


def re_encoded(data: bytes) -> bytes:
    """The same picture, smaller and saved again as PNG: different bytes."""
    with Image.open(io.BytesIO(data)) as picture:
        smaller = picture.resize((160, 120))
        buffer = io.BytesIO()
        smaller.save(buffer, format="PNG")
    return buffer.getvalue()


def mirrored(data: bytes) -> bytes:
    """The same picture flipped left to right, in a white frame, saved again."""
    with Image.open(io.BytesIO(data)) as picture:
        flipped = ImageOps.mirror(picture.convert("RGB"))
        framed = ImageOps.expand(flipped, border=24, fill="white")
        buffer = io.BytesIO()
        framed.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def document(content: bytes, extension: str = "pdf", **fields):
    fields.setdefault("no_identifiable_learners", True)
    return DocumentFactory(
        file__from_file=ContentFile(content, name=f"letter.{extension}"),
        file__filename=f"letter.{extension}",
        **fields,
    )


def letter_page(news_index, item, **fields):
    return NewsPageFactory(
        parent=news_index,
        live=False,
        body=[("document", {"document": item, "title": "The letter"})],
        **fields,
    )


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def public_copy(item) -> bytes:
    item = type(item).objects.get(pk=item.pk)
    name = item.public_files["files"]["document"]["name"]
    status, body = fetch_anonymously(f"/media/public/{name}")
    assert status == 200
    return body


def codes(violations):
    return [violation.code for violation in violations]


# --- Hidden properties: read by the full-name rule, gone from the public copy ----

PDF_PLACES = {
    "Title": {"info": {"Title": NAME}},
    "Author": {"info": {"Author": NAME}},
    "Subject": {"info": {"Subject": f"Photos of {NAME} at sports day"}},
    "Keywords": {"info": {"Keywords": f"sports day; {NAME}"}},
    "Creator": {"info": {"Creator": NAME}},
    "a custom key": {"info": {"Pupil": NAME}},
    "XMP creator": {"xmp_creator": NAME},
    "a comment's author": {"comment_author": NAME},
}


@pytest.mark.parametrize("place", PDF_PLACES.values(), ids=PDF_PLACES.keys())
def test_a_full_name_in_a_pdfs_hidden_properties_is_refused_with_the_photo(
    news_index, place
):
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    letter = document(
        pdf_document(pictures=(photo_bytes(),), **place),
        no_identifiable_learners=False,
    )
    letter.learners.set([amelia])
    page = letter_page(news_index, letter)
    violations = page_violations(page, channel=WEBSITE)
    assert codes(violations) == ["full_name"]
    assert "hidden properties such as its author or subject" in violations[0].message
    with pytest.raises(ConsentViolation):
        publish(page)


def test_the_same_letter_without_the_full_name_publishes(news_index):
    """The control for the family above: a first name alone is fine."""
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    letter = document(
        pdf_document(info={"Title": "Amelia's sports day"}, pictures=(photo_bytes(),)),
        no_identifiable_learners=False,
    )
    letter.learners.set([amelia])
    page = letter_page(news_index, letter)
    assert page_violations(page, channel=WEBSITE) == []
    publish(page)
    assert fetch_anonymously(page.url)[0] == 200


def test_the_public_copy_of_a_pdf_has_no_hidden_properties(news_index):
    everything = {
        "info": {
            "Title": "Tom Smith sports day",
            "Author": "Tom Smith",
            "Subject": "Tom Smith",
            "Keywords": "Tom Smith",
            "Pupil": "Tom Smith",
        },
        "xmp_creator": "Tom Smith",
        "comment_author": "Tom Smith",
    }
    original = pdf_document(
        pictures=(photo_bytes(), photo_bytes(SEED + 1)), **everything
    )
    assert original.count(b"Tom Smith") >= 5  # the control: the original has them
    letter = document(original)
    publish(letter_page(news_index, letter))

    copy = public_copy(letter)
    assert b"Tom Smith" not in copy
    assert "Tom" not in pdf_hidden_words(copy)
    # What a parent reads is unchanged: the text and both pictures.
    assert "(Class 3 newsletter)" in pdf_shows(copy)
    assert pdf_pictures(copy) == 2
    # The private original is untouched (staff keep what they uploaded).
    with get_document_model().objects.get(pk=letter.pk).open_file() as handle:
        assert handle.read() == original


# --- Pictures inside a document: matched like photo uploads -------------------------


def upload_document(client, data: bytes, *, name: str, title: str):
    """Upload through the admin's add-document form, ticking 'no identifiable
    learners' as the editor in the report did."""
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "file": SimpleUploadedFile(name, data),
            "collection": school_collection().pk,
            "tags": "",
            "copyright_holder": "Our School",
            "credit": "",
            "staff_pictured": "",
            "no_identifiable_learners": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return get_document_model().objects.get(title=title)


@pytest.fixture
def amy_photo(db):
    """Amy's sports-day photo, tagged; a JPEG, as phones and cameras save them."""
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    original = ImageFactory(
        title="Sports day",
        file=ContentFile(photo_bytes(), name="sports.jpg"),
        no_identifiable_learners=False,
    )
    original.learners.set([amy])
    return {"amy": amy, "photo": original}


def withdraw_website_consent(learner):
    consent_record(
        learner=learner,
        use="website",
        given=False,
        given_on=learner.consent_records.first().given_on,
        recorded_by="Office",
    )


PLACED = {
    "the same JPEG placed in a PDF": (
        "pdf",
        lambda: pdf_document(pictures=(photo_bytes(),)),
    ),
    "a re-encoded copy in a PDF": (
        "pdf",
        lambda: pdf_document(pictures=(re_encoded(photo_bytes()),)),
    ),
    "a mirrored, framed copy in a PDF": (
        "pdf",
        lambda: pdf_document(pictures=(mirrored(photo_bytes()),)),
    ),
    "a mirrored, framed copy in a Word document": (
        "docx",
        lambda: office_document("docx", pictures=(mirrored(photo_bytes()),)),
    ),
    "drawn inline in a PDF page": (
        "pdf",
        lambda: pdf_document(inline_picture=re_encoded(photo_bytes())),
    ),
    "in a Word document": (
        "docx",
        lambda: office_document("docx", pictures=(photo_bytes(),)),
    ),
    "in a PowerPoint": (
        "pptx",
        lambda: office_document("pptx", pictures=(re_encoded(photo_bytes()),)),
    ),
    "in a spreadsheet": (
        "xlsx",
        lambda: office_document("xlsx", pictures=(photo_bytes(),)),
    ),
    "in an OpenDocument text": (
        "odt",
        lambda: office_document("odt", pictures=(photo_bytes(),)),
    ),
}


@pytest.mark.parametrize("placed", PLACED.values(), ids=PLACED.keys())
def test_a_withdrawn_photo_inside_a_document_withdraws_it(
    client, amy_photo, news_index, placed, django_capture_on_commit_callbacks
):
    extension, make = placed
    withdraw_website_consent(amy_photo["amy"])
    assert type(amy_photo["photo"]).objects.get(pk=amy_photo["photo"].pk).is_withdrawn
    login_verified(client, staff("editor", EDITORS))
    with django_capture_on_commit_callbacks(execute=True):
        letter = upload_document(
            client, make(), name=f"newsletter.{extension}", title="Newsletter"
        )

    assert letter.is_withdrawn
    assert list(letter.learners.all()) == [amy_photo["amy"]]
    assert not letter.no_identifiable_learners
    edit = client.get(reverse("wagtaildocs:edit", args=[letter.pk])).content.decode()
    assert (
        "This document contains a copy of “Sports day” (withdrawn because consent "
        "ended for someone in it): a picture inside it is the same photo"
    ) in edit
    page = letter_page(news_index, letter)
    assert "was withdrawn" in page_violations(page, channel=WEBSITE)[0].message
    with pytest.raises(ConsentViolation):
        publish(page)


def test_a_tagged_photo_inside_a_document_brings_its_learners(
    client, amy_photo, news_index
):
    """Amy has no consent for public social media: the letter inherits that."""
    login_verified(client, staff("editor", EDITORS))
    letter = upload_document(
        client,
        pdf_document(pictures=(re_encoded(photo_bytes()),)),
        name="newsletter.pdf",
        title="Newsletter",
    )
    assert not letter.is_withdrawn
    assert list(letter.learners.all()) == [amy_photo["amy"]]
    assert not letter.no_identifiable_learners
    page = letter_page(news_index, letter, title="Sports day news")
    assert page_violations(page, channel=WEBSITE) == []  # consent stands
    # Named in full beside the letter that pictures her: refused, as for a photo.
    named = NewsPageFactory(
        parent=news_index,
        live=False,
        body=[
            ("paragraph", "<p>Well done Amy Hughes!</p>"),
            ("document", {"document": letter, "title": "The letter"}),
        ],
    )
    assert codes(page_violations(named, channel=WEBSITE)) == ["full_name"]


def test_a_picture_of_nobody_inside_a_document_is_not_a_match(
    client, amy_photo, news_index
):
    withdraw_website_consent(amy_photo["amy"])
    login_verified(client, staff("editor", EDITORS))
    letter = upload_document(
        client,
        pdf_document(pictures=(photo_bytes(SEED + 7),)),
        name="menu.pdf",
        title="Dinner menu",
    )
    assert not letter.is_withdrawn
    assert not letter.learners.exists()
    assert letter.no_identifiable_learners
    page = publish(letter_page(news_index, letter))
    assert "(Class 3 newsletter)" in pdf_shows(public_copy(letter))
    assert fetch_anonymously(page.url)[0] == 200


def test_an_untagged_document_with_pictures_says_so(news_index):
    letter = document(
        pdf_document(pictures=(photo_bytes(), photo_bytes(SEED + 1))),
        no_identifiable_learners=False,
        title="Trip letter",
    )
    [violation] = page_violations(letter_page(news_index, letter), channel=WEBSITE)
    assert violation.message == (
        'Document "Trip letter" is not tagged. It has 2 pictures inside it. Edit it '
        "and choose the learners pictured, or tick 'no identifiable learners'."
    )


# --- Office files: properties stripped, or refused with a reason -------------------


@pytest.mark.parametrize("extension", ["docx", "pptx", "xlsx", "odt"])
def test_an_office_files_author_fields_are_read_and_removed(news_index, extension):
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    pictured = document(
        office_document(extension, author=NAME, pictures=(photo_bytes(),)),
        extension,
        no_identifiable_learners=False,
    )
    pictured.learners.set([amelia])
    violations = page_violations(letter_page(news_index, pictured), channel=WEBSITE)
    assert codes(violations) == ["full_name"]

    # Nobody pictured: it publishes, and the copy keeps the picture, not the names.
    original = office_document(
        extension,
        author="Tom Smith",
        title="Tom Smith",
        custom_pupil="Tom Smith",
        pictures=(photo_bytes(SEED + 3),),
    )
    letter = document(original, extension, title="Menu")
    publish(letter_page(news_index, letter, title="Menu"))
    copy = public_copy(letter)
    assert "Tom Smith" in office_hidden_words(original)  # the control
    assert "Tom" not in office_hidden_words(copy)
    with zipfile.ZipFile(io.BytesIO(copy)) as package:
        pictures = [name for name in package.namelist() if "image1.jpeg" in name]
        assert package.read(pictures[0]) == photo_bytes(SEED + 3)


REFUSED = {
    "tracked changes": (
        "docx",
        lambda: office_document("docx", tracked_change_by=NAME),
        "comments or tracked changes",
    ),
    "comments": (
        "docx",
        lambda: office_document("docx", comments=True),
        "comments or tracked changes",
    ),
    "rich text": ("rtf", lambda: b"{\\rtf1{\\info{\\author Tom}}Hello}", ".rtf"),
    "a damaged PDF": ("pdf", lambda: b"%PDF-1.4 not really", "could not be read"),
    "a PDF with a file attached": ("pdf", pdf_with_attachment, "attached inside it"),
    "a PDF with a password": ("pdf", pdf_with_password, "protected by a password"),
    "a damaged Word file": ("docx", lambda: b"PK not a zip", "could not be opened"),
}


@pytest.mark.parametrize("refused", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_cannot_be_cleaned_is_refused_with_the_reason(news_index, refused):
    extension, make, reason = refused
    letter = document(make(), extension, title="Letter")
    page = letter_page(news_index, letter)
    [violation] = page_violations(page, channel=WEBSITE)
    assert violation.code == "document_not_cleanable"
    assert violation.message.startswith('Document "Letter" cannot be published')
    assert reason in violation.message
    with pytest.raises(ConsentViolation):
        publish(page)
    assert type(letter).objects.get(pk=letter.pk).public_files == {}


def test_a_document_uploaded_before_documents_were_read_is_read_when_checked(
    news_index,
):
    letter = document(
        pdf_document(info={"Author": NAME}), no_identifiable_learners=False
    )
    amelia = learner_with_consent(first_name="Amelia", last_name="Jones")
    letter.learners.set([amelia])
    # As an upgrade leaves it: the contents never read.
    type(letter).objects.filter(pk=letter.pk).update(
        contents_read=False, hidden_properties=[]
    )
    violations = page_violations(letter_page(news_index, letter), channel=WEBSITE)
    assert codes(violations) == ["full_name"]


def upload_photo(client, data: bytes, *, title: str, learners) -> object:
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile("photo.jpg", data),
            "collection": school_collection().pk,
            "tags": "",
            "description": "Children on the field",
            "copyright_holder": "Our School",
            "credit": "",
            "staff_pictured": "",
            "learners": [learner.pk for learner in learners],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return get_image_model().objects.get(title=title)


def test_a_photo_tagged_or_withdrawn_after_the_document_reaches_the_document(
    client, news_index, django_capture_on_commit_callbacks
):
    """The newsletter came first, ticked 'no identifiable learners'; then the photo
    in it was uploaded and tagged, then taken down."""
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    login_verified(client, staff("editor", EDITORS))
    letter = upload_document(
        client,
        pdf_document(pictures=(photo_bytes(),)),
        name="newsletter.pdf",
        title="Newsletter",
    )
    assert not letter.learners.exists()  # nothing known yet

    photo = upload_photo(client, photo_bytes(), title="Sports day", learners=[amy])
    letter = get_document_model().objects.get(pk=letter.pk)
    assert list(letter.learners.all()) == [amy]
    assert not letter.no_identifiable_learners

    media_withdraw(item=photo, reason="a parent asked for it to be taken down")
    letter = get_document_model().objects.get(pk=letter.pk)
    assert letter.is_withdrawn
    page = letter_page(news_index, letter)
    assert "was withdrawn" in page_violations(page, channel=WEBSITE)[0].message


def test_a_photo_tagged_after_the_document_reaches_a_mirrored_copy_inside(
    client, news_index
):
    """The newsletter holds the photo flipped and framed; the photo, tagged later,
    still reaches it."""
    amy = learner_with_consent(first_name="Amy", last_name="Hughes")
    login_verified(client, staff("editor", EDITORS))
    letter = upload_document(
        client,
        pdf_document(pictures=(mirrored(photo_bytes()),)),
        name="newsletter.pdf",
        title="Newsletter",
    )
    assert not letter.learners.exists()

    upload_photo(client, photo_bytes(), title="Sports day", learners=[amy])

    letter = get_document_model().objects.get(pk=letter.pk)
    assert list(letter.learners.all()) == [amy]


def test_the_edit_form_says_what_reading_the_file_found(client):
    login_verified(client, staff("editor", EDITORS))
    letter = upload_document(
        client,
        office_document("docx", author=NAME, tracked_change_by=NAME),
        name="letter.docx",
        title="Letter",
    )
    edit = client.get(reverse("wagtaildocs:edit", args=[letter.pk])).content.decode()
    assert "This file cannot be published: It has comments or tracked changes" in edit

    newsletter = upload_document(
        client,
        pdf_document(info={"Author": NAME}, pictures=(photo_bytes(SEED + 11),)),
        name="newsletter.pdf",
        title="Newsletter",
    )
    edit = client.get(
        reverse("wagtaildocs:edit", args=[newsletter.pk])
    ).content.decode()
    assert "It has 1 picture inside: choose the learners pictured" in edit
    assert "hidden properties (such as author and title) are removed" in edit
    assert "cannot be published" not in edit
