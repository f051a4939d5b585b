"""Every public page type renders its content inside the site's chrome."""

import datetime

import pytest
from django.utils import timezone
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from cms.models import NoticePage
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsCategoryFactory,
    NewsPageFactory,
    NoticePageFactory,
    StandardPageFactory,
)

VIDEO_URL = "https://www.youtube.com/watch?v=school-choir"


@pytest.fixture
def stored_embed(db) -> Embed:
    """The embed as Wagtail's cache holds it after a first fetch (no network)."""
    return Embed.objects.create(
        hash=get_embed_hash(VIDEO_URL, None, None),
        url=VIDEO_URL,
        max_width=None,
        type="video",
        html=(
            '<iframe title="School choir video" '
            'src="https://www.youtube-nocookie.com/embed/x"></iframe>'
        ),
        title="School choir",
        provider_name="YouTube",
        width=640,
        height=360,
    )


def test_news_page_renders_every_body_block(client, school, stored_embed):
    image = ImageFactory(
        title="Sports field",
        description="The school field with bunting",
        credit="Photo: Mrs Jones",
        no_identifiable_learners=True,
    )
    document = DocumentFactory(title="Sports day letter", no_identifiable_learners=True)
    sport = NewsCategoryFactory(name="Sport", slug="sport")
    page = NewsPageFactory(
        parent=school.news_index,
        title="Sports day",
        summary="Every class took part.",
        date=datetime.date(2026, 6, 19),
        body=[
            ("paragraph", "<p>Thank you for cheering.</p>"),
            ("image", {"image": image, "caption": "The relay"}),
            ("quote", {"text": "Best day ever", "attribution": "Year 2"}),
            ("document", {"document": document, "title": ""}),
            ("embed", {"embed": VIDEO_URL, "learners_shown": "none", "learners": []}),
        ],
    )
    page.categories.add(sport)
    page.save_revision().publish()

    response = client.get(page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Sports day</h1>" in html
    assert "Friday 19 June 2026" in html
    assert "Every class took part." in html
    assert "Thank you for cheering." in html
    assert 'alt="The school field with bunting"' in html
    assert "The relay" in html
    assert "Photo: Mrs Jones" in html
    assert "Best day ever" in html and "Year 2" in html
    document.refresh_from_db()
    public_letter = document.public_files["files"]["document"]["name"]
    assert "Sports day letter" in html and f"/media/public/{public_letter}" in html
    assert document.url not in html  # never /documents/<id>/<uploaded name>
    assert 'title="School choir video"' in html
    assert '<span class="tag">Sport</span>' in html


def test_news_page_shows_its_listing_image_with_credit(client, school):
    image = ImageFactory(
        description="Bug hotel", credit="Photo: Mr Price", no_identifiable_learners=True
    )
    page = NewsPageFactory(parent=school.news_index, listing_image=image)

    html = client.get(page.url).content.decode()

    assert 'alt="Bug hotel"' in html
    assert "Photo: Mr Price" in html


def test_a_withdrawn_listing_image_is_not_shown_anywhere(client, school):
    """C1: once consent ends the picture leaves the story, the listing and the API."""
    image = ImageFactory(description="Bug hotel", no_identifiable_learners=True)
    page = NewsPageFactory(parent=school.news_index, listing_image=image)
    image.consent_withdrawn_at = timezone.now()
    image.save()

    story = client.get(page.url).content.decode()
    listing = client.get(school.news_index.url).content.decode()
    home = client.get(school.home.url).content.decode()
    api = client.get(f"/api/v2/pages/{page.pk}/").json()

    assert page.title in listing and page.title in home
    for html in (story, listing, home):
        assert "Bug hotel" not in html
        assert image.file.name.rsplit("/", 1)[-1].split(".")[0] not in html
    assert api["listing_image"] is None
    assert api["listing_image_thumbnail"] is None


def test_notice_page_renders_message_and_dates(client, school):
    notice = NoticePageFactory(
        parent=school.notices,
        title="Heating repairs",
        message="<p>Bring a jumper on Monday.</p>",
        kind=NoticePage.Kind.GENERAL,
        valid_until=timezone.now() + datetime.timedelta(days=3),
    )

    response = client.get(notice.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Heating repairs</h1>" in html
    assert "Bring a jumper on Monday." in html
    assert "until" in html
    assert "not in force" not in html


def test_an_ended_notice_says_so(client, school):
    notice = NoticePageFactory(
        parent=school.notices,
        valid_from=timezone.now() - datetime.timedelta(days=3),
        valid_until=timezone.now() - datetime.timedelta(days=1),
    )

    html = client.get(notice.url).content.decode()

    assert "This notice is not in force now." in html


def test_notice_index_lists_only_notices_in_force(client, school):
    NoticePageFactory(parent=school.notices, title="Open evening")
    NoticePageFactory(
        parent=school.notices,
        title="Last year's trip",
        valid_until=timezone.now() - datetime.timedelta(days=30),
    )

    html = client.get(school.notices.url).content.decode()

    assert "Open evening" in html
    assert "Last year&#x27;s trip" not in html and "Last year's trip" not in html


def test_standard_page_renders_intro_body_and_children(client, school):
    about = StandardPageFactory(
        parent=school.home,
        title="About our school",
        intro="A village school.",
        body=[("paragraph", "<p>Seven classes.</p>")],
    )
    StandardPageFactory(parent=about, title="Our staff")

    html = client.get(about.url).content.decode()

    assert "About our school</h1>" in html
    assert "A village school." in html
    assert "Seven classes." in html
    assert "Our staff" in html


def test_social_media_page_tells_parents_how_to_raise_a_concern(client, school):
    """M4: what we post, when we monitor, and to contact the office instead."""
    html = client.get(school.social_media.url).content.decode()

    assert "What we post" in html
    assert "News of trips, sports and celebrations." in html
    assert "When our accounts are monitored" in html
    assert "School days, 8am to 5pm." in html
    assert "How to raise a concern" in html
    assert "contact the school office, not social media" in html
    assert "01234 567 890" in html


def test_every_page_has_the_site_chrome(client, school):
    html = client.get(school.news_index.url).content.decode()

    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert "Meadowbank Primary School" in html
    assert 'aria-label="Main"' in html
    assert f'href="{school.notices.url}"' in html
    assert "office@meadowbank.school.example" in html
    assert f'href="{school.social_media.url}"' in html
