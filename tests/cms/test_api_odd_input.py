"""Odd query strings on the public API are a 400 that says why, never a 500."""

import pytest

from tests.factories import DocumentFactory, ImageFactory, NewsPageFactory

ENDPOINTS = ("pages", "images", "documents")


@pytest.fixture
def published(school):
    """A live page that uses an image and a document, so all three are public."""
    image = ImageFactory(title="Field", no_identifiable_learners=True)
    document = DocumentFactory(title="Letter", no_identifiable_learners=True)
    page = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        listing_image=image,
        body=[
            ("image", {"image": image, "caption": "The relay"}),
            ("document", {"document": document, "title": ""}),
        ],
    )
    page.save()
    return {"pages": page, "images": image, "documents": document}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_offset_beyond_any_table_is_a_400(client, published, endpoint):
    response = client.get(f"/api/v2/{endpoint}/", {"offset": "99999999999999999999999"})

    assert response.status_code == 400
    assert "offset" in response.json()["message"]
    # Positive control: an ordinary offset still pages.
    assert client.get(f"/api/v2/{endpoint}/", {"offset": "0"}).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("bad_id", ["abc", "1.5", "-1", "99999999999999999999999"])
def test_find_with_an_id_that_is_not_a_number_is_a_400(
    client, published, endpoint, bad_id
):
    response = client.get(f"/api/v2/{endpoint}/find/", {"id": bad_id})

    assert response.status_code == 400
    assert "id" in response.json()["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_find_by_a_real_id_still_finds_it(client, published, endpoint):
    item = published[endpoint]

    response = client.get(f"/api/v2/{endpoint}/find/", {"id": str(item.pk)})

    assert response.status_code == 302
    assert f"/api/v2/{endpoint}/{item.pk}/" in response["Location"]
