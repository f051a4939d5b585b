"""The real worker and cron beside the live site: a post reaches each network once.

A page published with posts for X and Facebook is on the website at once, and the
worker process (not the test) sends each post to its emulator exactly once.
"""

from django.db import transaction
from wagtail.models import Site

from publishing.models import Delivery, SocialPost
from tests.e2e.journey_kit import wait_for
from tests.factories import NewsIndexPageFactory, NewsPageFactory


def test_an_approved_post_reaches_each_network_once_through_the_worker(
    back_office, live_server, browser, x_account, facebook_account, x_emulator,
    facebook_emulator,
):  # fmt: skip
    home = Site.objects.get(is_default_site=True).root_page.specific
    news = NewsIndexPageFactory(parent=home, slug="news")
    page = NewsPageFactory(parent=news, title="Harvest festival")
    for account in (x_account, facebook_account):
        SocialPost.objects.create(page=page, account=account, text="Thank you all!")
    with transaction.atomic():
        page.save_revision().publish()

    sent = wait_for(
        lambda: (
            Delivery.objects.filter(page=page, status=Delivery.Status.SENT).count() == 2
        )
    )
    assert sent, back_office.log("worker")
    [tweet] = x_emulator.state()["posts"]
    [facebook_post] = facebook_emulator.state()["posts"]
    assert "Thank you all!" in tweet["text"]
    assert "Thank you all!" in facebook_post["text"]
    assert page.full_url in tweet["text"]

    browser_page = browser.new_page()
    browser_page.goto(live_server.url + page.url)
    assert browser_page.get_by_role("heading", level=1).inner_text() == (
        "Harvest festival"
    )
    browser_page.close()
