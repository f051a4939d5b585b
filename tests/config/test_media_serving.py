"""Outside DEBUG, Django never serves uploads itself (README: Operations).

Uploaded originals keep camera metadata and cropped-out parts, and documents must go
through ``/documents/`` where privacy and withdrawn consent are checked; only the web
server's rule for ``/media/images/`` may hand out files.
"""

from tests.factories import DocumentFactory, ImageFactory


def test_uploaded_originals_and_document_files_are_not_served_by_django(client, db):
    image = ImageFactory(no_identifiable_learners=True)
    document = DocumentFactory(no_identifiable_learners=True)

    original = client.get(image.file.url)
    document_file = client.get(document.file.url)

    assert image.file.url.startswith("/media/original_images/")
    assert document.file.url.startswith("/media/documents/")
    assert original.status_code == 404
    assert document_file.status_code == 404
