"""The "Our social media" page lists the school's approved accounts, and only those."""

from tests.factories import SocialAccountFactory, SocialMediaPageFactory


def test_the_page_lists_approved_accounts_with_links_and_monitoring(client, home_page):
    page = SocialMediaPageFactory(parent=home_page, slug="our-social-media")
    SocialAccountFactory(
        name="Meadowbank on X",
        handle="@Meadowbank",
        aim="School news and pupils' work.",
        monitoring_plan="School days, 8:30 to 15:30.",
    )
    SocialAccountFactory(name="Not yet approved", status="proposed")

    html = client.get(page.url).content.decode()

    assert "Meadowbank on X" in html
    assert 'href="https://x.com/Meadowbank"' in html
    assert "What it posts: School news and pupils&#x27;" in html
    assert "When it is watched: School days, 8:30 to 15:30." in html
    assert "Not yet approved" not in html
