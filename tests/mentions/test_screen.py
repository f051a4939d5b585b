"""The Mentions screen: the school's own mentions for its DSL, head and account
managers, flagged words only for the DSL and head, script never run, and every
form answering bad input clearly."""

from __future__ import annotations

import pytest

from emulators.feeds import alert_feed
from mentions.models import Mention, MentionEmail, MentionFeed
from tests.factories import staff
from tests.mentions.conftest import entry
from tests.trust_schools import school_site
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentions(school):
    return [
        Mention.objects.create(
            site=school,
            key="a",
            source="feed",
            title="Meadowbank fair",
            url="https://n.example/a",
        ),
        Mention.objects.create(
            site=school,
            key="b",
            source="bluesky",
            text="Amelia Jones was brilliant",
            names_learner=True,
        ),
        Mention.objects.create(
            site=school,
            key="c",
            source="feed",
            title="<script>alert('x')</script><img src=x onerror=alert(1)>",
        ),
    ]


def test_a_manager_sees_mentions_but_not_the_words_naming_a_pupil(
    client, mentions, manager
):
    login_verified(client, manager)
    page = client.get("/admin/mentions/").content.decode()
    assert "Meadowbank fair" in page
    assert "Names a pupil in full." in page
    assert "Amelia Jones" not in page
    assert "Add feed" not in page


def test_the_dsl_reads_flagged_posts_and_script_is_shown_as_text(client, mentions, dsl):
    login_verified(client, dsl)
    page = client.get("/admin/mentions/?flagged=on").content.decode()
    assert "Amelia Jones was brilliant" in page
    assert "Meadowbank fair" not in page

    page = client.get("/admin/mentions/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert('x')" not in page
    assert "<img src=x" not in page


def test_staff_who_run_no_account_and_other_schools_see_no_mentions(client, mentions):
    login_verified(client, staff("teacher", "Editors"))
    page = client.get("/admin/mentions/", follow=True).content.decode()
    assert "you do not have permission" in page
    assert "Meadowbank fair" not in page

    other_dsl = staff("otherdsl", "Safeguarding", site=school_site(2))
    login_verified(client, other_dsl)
    page = client.get("/admin/mentions/").content.decode()
    assert "No mentions found yet." in page
    assert "Meadowbank fair" not in page


def test_the_head_adds_a_feed_and_it_is_read_at_once(client, head, feed_server):
    url = feed_server.publish("/a.xml", alert_feed([entry(1, "Meadowbank choir")]))
    login_verified(client, head)
    page = client.post(
        "/admin/mentions/feeds/add/", {"title": "Google Alert", "url": url}, follow=True
    ).content.decode()
    assert "The feed was added and read." in page
    assert "Meadowbank choir" in page


def test_a_hostile_feed_is_added_with_its_problem_shown_and_script_never_run(
    client, head, feed_server
):
    login_verified(client, head)
    page = client.post(
        "/admin/mentions/feeds/add/",
        {"title": "Odd", "url": feed_server.url("/hostile/billion-laughs")},
        follow=True,
    ).content.decode()
    assert "could not be read yet: The feed declares XML entities" in page

    page = client.post(
        "/admin/mentions/feeds/add/",
        {"title": "Scripts", "url": feed_server.url("/hostile/script-titles")},
        follow=True,
    ).content.decode()
    assert "Meadowbank fair" in page
    assert "onerror" not in page
    assert "alert(" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "A", "url": "not a web address"}, "Enter a valid URL."),
        ({"title": "", "url": "https://a.example/f"}, "This field is required."),
    ],
)
def test_a_bad_feed_is_not_added_and_says_why(client, head, data, message):
    login_verified(client, head)
    page = client.post("/admin/mentions/feeds/add/", data, follow=True)
    assert message in page.content.decode()
    assert not MentionFeed.objects.exists()


def test_a_feed_already_read_is_not_added_twice(client, head, school):
    MentionFeed.objects.create(site=school, title="A", url="https://a.example/f")
    login_verified(client, head)
    page = client.post(
        "/admin/mentions/feeds/add/",
        {"title": "B", "url": "https://a.example/f"},
        follow=True,
    )
    assert "This feed is already read." in page.content.decode()
    assert MentionFeed.objects.count() == 1


def test_the_dsl_chooses_a_weekly_email_and_a_manager_cannot_choose(
    client, dsl, manager, school
):
    login_verified(client, dsl)
    client.post("/admin/mentions/email/", {"frequency": "weekly"})
    assert MentionEmail.objects.get(user=dsl, site=school).frequency == "weekly"
    page = client.post("/admin/mentions/email/", {"frequency": "hourly"}, follow=True)
    assert "Choose how often, or never." in page.content.decode()
    assert MentionEmail.objects.get(user=dsl).frequency == "weekly"

    login_verified(client, manager)
    client.post("/admin/mentions/email/", {"frequency": "daily"})
    assert not MentionEmail.objects.filter(user=manager).exists()


def test_too_many_search_terms_are_refused(client, head, school):
    login_verified(client, head)
    terms = "\n".join(f"term {n}" for n in range(21))
    page = client.post("/admin/mentions/search/", {"terms": terms}, follow=True)
    assert "Give at most 20 search terms." in page.content.decode()
    page = client.post(
        "/admin/mentions/search/", {"terms": "Meadowbank\n\n#meadowbank "}, follow=True
    )
    assert "The search terms were saved." in page.content.decode()
    assert school.mention_search.entries() == ["Meadowbank", "#meadowbank"]
