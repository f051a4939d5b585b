"""The dashboard per role: quick actions, what waits for me, my drafts, this week."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from moderation import roles
from moderation.incidents.takedown import takedown_request_record
from moderation.models import BlockedAccount, ConsentRecord
from publishing.models import Delivery
from tests.factories import (
    LearnerFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    NoticeIndexPageFactory,
    SocialAccountFactory,
    UserFactory,
)
from tests.moderation.workflow.conftest import signed_in, submit


@pytest.fixture
def sections(home_page):
    return (
        NewsIndexPageFactory(parent=home_page, title="News"),
        NoticeIndexPageFactory(parent=home_page, title="Notices"),
    )


def staff_member(username, role):
    user = UserFactory(username=username, first_name="Jo", last_name="Davies")
    user.groups.add(Group.objects.get(name=role))
    return user


def dashboard(user) -> str:
    return signed_in(user).get(reverse("wagtailadmin_home")).content.decode()


def test_an_editor_gets_one_click_to_news_a_notice_and_a_closure(sections):
    news, notices = sections
    editor = staff_member("editor", roles.EDITORS)

    html = dashboard(editor)

    add_news = reverse("wagtailadmin_pages:add", args=("cms", "newspage", news.pk))
    add_notice = reverse(
        "wagtailadmin_pages:add", args=("cms", "noticepage", notices.pk)
    )
    assert f'href="{add_news}"' in html
    assert "Write news" in html
    assert f'href="{add_notice}"' in html
    assert f'href="{reverse("school_new_closure", args=(notices.pk,))}"' in html
    assert "Urgent closure" in html


def _form_as_served(client, url: str) -> dict[str, str]:
    """The fields a browser without scripts would send: each one's served value."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    form = soup.find("form", id="page-edit-form")
    values = {"page type": form["action"].rstrip("/").split("/")[-2]}
    for select in form.find_all("select"):
        chosen = select.find("option", selected=True)
        values[select["name"]] = chosen["value"] if chosen else ""
    for box in form.find_all("input", type="checkbox"):
        values[box["name"]] = "on" if box.has_attr("checked") else ""
    return values


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Write news", {"page type": "newspage"}),
        ("Post a notice", {"page type": "noticepage", "kind": "general"}),
        (
            "Urgent closure",
            {"page type": "noticepage", "kind": "closure", "pinned": "on"},
        ),
    ],
)
def test_each_shortcut_opens_a_form_the_server_filled_in_as_it_says(
    sections, label, expected
):
    """Without scripts, each shortcut's form already means what its label says.

    A closure served as "General" would skip the senior-leadership step.
    """
    editor = staff_member("editor", roles.EDITORS)
    client = signed_in(editor)
    soup = BeautifulSoup(dashboard(editor), "html.parser")
    [link] = [a for a in soup.select("[data-quick-actions] a") if label in a.get_text()]

    served = _form_as_served(client, link["href"])

    assert {key: served.get(key) for key in expected} == expected


def test_the_quick_links_open_the_right_form(sections):
    news, _ = sections
    editor = staff_member("editor", roles.EDITORS)
    client = signed_in(editor)

    form = client.get(
        reverse("wagtailadmin_pages:add", args=("cms", "newspage", news.pk))
    )

    assert form.status_code == 200
    assert "Submit for approval" in form.content.decode()


def test_staff_who_may_not_write_pages_get_no_quick_links(sections):
    officer = staff_member("officer", roles.SAFEGUARDING)

    html = dashboard(officer)

    assert "Write news" not in html


def test_my_drafts_say_where_each_one_is(sections):
    news, _ = sections
    editor = staff_member("editor", roles.EDITORS)
    waiting = NewsPageFactory(parent=news, title="Harvest", live=False, owner=editor)
    submit(waiting, editor)
    unsent = NewsPageFactory(parent=news, title="Book week", live=False, owner=editor)
    unsent.save_revision(user=editor)

    html = dashboard(editor)

    assert "My drafts and where they are" in html
    assert "Harvest" in html
    assert "Waiting for Approval by an approver" in html
    assert "Book week" in html
    assert "Draft: not sent for approval yet" in html
    assert reverse("wagtailadmin_pages:edit", args=(unsent.pk,)) in html


def test_published_this_week_shows_the_website_and_each_account(sections):
    news, _ = sections
    page = NewsPageFactory(parent=news, title="Sports day", live=True)
    page.last_published_at = timezone.now()
    page.save()
    x = SocialAccountFactory(name="School X")
    facebook = SocialAccountFactory(name="School Facebook", network="facebook")
    Delivery.objects.create(
        page=page,
        page_title=page.title,
        account=x,
        text="Sports day!",
        link=page.full_url,
        status=Delivery.Status.SENT,
        remote_id="1",
        remote_url="https://x.example/status/1",
    )
    Delivery.objects.create(
        page=page,
        page_title=page.title,
        account=facebook,
        text="Sports day!",
        link=page.full_url,
        status=Delivery.Status.FAILED,
        reason="The network refused the post: token expired.",
    )
    editor = staff_member("editor", roles.EDITORS)

    html = dashboard(editor)

    assert "Published this week and where it went" in html
    assert page.full_url in html
    assert "https://x.example/status/1" in html
    assert "token expired" in html
    assert 'class="is-failed"' in html


def test_the_dashboard_hides_wagtails_own_approval_lists(sections):
    superuser = UserFactory(is_superuser=True)
    html = dashboard(superuser)

    assert "Awaiting your review" not in html
    assert "Waiting for me" in html


def waiting_for_me(user) -> str:
    """The "Waiting for me" list as the person reads it."""
    soup = BeautifulSoup(dashboard(user), "html.parser")
    panel = soup.select_one("[data-moderation-panel]")
    listed = panel.select_one("[data-awaiting]")
    return " ".join(listed.get_text(" ").split()) if listed else ""


def test_the_dsl_gets_the_consent_registers_everyday_tasks(sections):
    dsl = staff_member("dsl", roles.SAFEGUARDING)

    soup = BeautifulSoup(dashboard(dsl), "html.parser")

    panel = soup.select_one("[data-consent-shortcuts]")
    assert panel is not None
    find, withdraw = panel.find_all("form")
    assert find["action"] == reverse("learners:index")
    assert find.find("label").get_text() == "Find a learner"
    assert withdraw["action"] == reverse("learners:withdraw_find")
    links = {a.get_text(): a["href"] for a in panel.find_all("a")}
    assert links["Import learners from a CSV file"] == reverse("learners:import")
    assert links["The do-not-publish list"] == (
        reverse("learners:index") + "?status=do_not_publish"
    )


def test_readers_of_the_register_look_up_but_editors_get_no_consent_panel(sections):
    head = staff_member("head", roles.SENIOR_LEADERSHIP)
    editor = staff_member("editor", roles.EDITORS)

    head_panel = BeautifulSoup(dashboard(head), "html.parser").select_one(
        "[data-consent-shortcuts]"
    )

    assert len(head_panel.find_all("form")) == 1  # find, not withdraw
    assert "Import learners" not in head_panel.get_text()
    assert "data-consent-shortcuts" not in dashboard(editor)


def test_withdraw_consent_for_finds_the_learner_and_leads_to_the_confirmation(
    sections,
):
    nia = LearnerFactory(first_name="Nia", last_name="Jones")
    LearnerFactory(first_name="Nia", last_name="Williams")
    dsl = staff_member("dsl", roles.SAFEGUARDING)

    found = signed_in(dsl).get(reverse("learners:withdraw_find"), {"q": "nia jones"})

    html = found.content.decode()
    assert "Nia Jones" in html and "Nia Williams" not in html
    assert reverse("learners:withdraw_everything", args=[nia.pk]) in html
    assert not ConsentRecord.objects.filter(learner=nia).exists()


def test_the_heads_waiting_for_me_lists_every_kind_of_decision(sections):
    news, _ = sections
    head = staff_member("head", roles.SENIOR_LEADERSHIP)
    head.groups.add(Group.objects.get(name=roles.APPROVERS))
    head.groups.add(Group.objects.get(name=roles.HEADTEACHER))
    author = staff_member("author", roles.EDITORS)
    submit(NewsPageFactory(parent=news, title="Harvest", live=False), author)
    SocialAccountFactory(name="PTA Facebook", status="proposed", proposed_by=author)
    SocialAccountFactory(name="Head's own idea", status="proposed", proposed_by=head)
    SocialAccountFactory(
        name="Choir page",
        status="suspended",
        suspended_reason="Fewer than two managers: one left the school.",
    )
    takedown_request_record(
        reported_by=author,
        requester="parent",
        requester_name="Mrs Jones",
        received_at=timezone.now(),
        what_they_asked="Please remove the photo of my son.",
        url="https://x.example/status/1",
        social_post_url="https://x.example/status/1",
    )
    BlockedAccount.objects.create(
        platform="facebook",
        handle="Angry Parent 123",
        grounds=BlockedAccount.Grounds.HARASSMENT,
        message_sent="You were blocked for harassment.",
        review_on=timezone.localdate(),
    )

    listed = waiting_for_me(head)

    assert "Review “Harvest”" in listed
    assert "Approve or reject the social account “PTA Facebook”" in listed
    assert "Head's own idea" not in listed  # nobody approves their own proposal
    assert "Reinstate the suspended account “Choir page”" in listed
    assert "Decide on takedown request" in listed
    assert "Review the block on Angry Parent 123" in listed
    assert waiting_for_me(author) == ""


def test_the_admin_is_not_shown_settings_the_school_never_changes(sections):
    superuser = UserFactory(is_superuser=True)

    html = dashboard(superuser)

    assert reverse("wagtailadmin_workflows:index") not in html
    assert reverse("wagtailadmin_workflows:task_index") not in html
    assert reverse("wagtailadmin_collections:index") not in html
    assert reverse("wagtailsites:index") in html  # the rest of Settings is there
