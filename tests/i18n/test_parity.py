"""Both languages go live together, or neither does, unless a senior leader says so."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from moderation import roles
from moderation.models import LanguageException
from moderation.workflow import parity
from tests.factories import NewsPageFactory, staff
from tests.i18n.conftest import make_bilingual
from tests.moderation.workflow.conftest import signed_in, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(db):
    return staff("head", roles.SENIOR_LEADERSHIP)


def approve(client, task_state):
    return client.post(
        reverse("moderation_workflow:review", args=(task_state.pk,)),
        {"action": "approve", "revision_id": task_state.revision_id},
    )


def draft_pair(bilingual, author):
    english = NewsPageFactory(
        parent=bilingual.english.news_index, live=False, owner=author, title="Trip"
    )
    english.save_revision(user=author)
    welsh = english.copy_for_translation(bilingual.welsh)
    welsh.title, welsh.slug = "Taith", "taith"
    welsh.save_revision(user=author)
    return english, welsh


def test_one_approval_publishes_both_languages_at_the_same_moment(
    client, bilingual, author, approver
):
    english, welsh = draft_pair(bilingual, author)
    submit(english, author)

    response = approve(signed_in(approver), english.current_workflow_task_state)

    assert response.status_code == 302
    english.refresh_from_db()
    welsh.refresh_from_db()
    assert english.live and welsh.live
    assert english.last_published_at == welsh.last_published_at
    assert "Taith" in client.get("/cy/newyddion/taith/").content.decode()
    assert client.get("/news/trip/").status_code == 200


def test_a_page_without_its_welsh_version_is_not_published(bilingual, author, approver):
    english = NewsPageFactory(
        parent=bilingual.english.news_index, live=False, owner=author, title="Trip"
    )
    submit(english, author)
    task_state = english.current_workflow_task_state

    response = approve(signed_in(approver), task_state)

    english.refresh_from_db()
    assert not english.live
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"
    assert response.status_code in (200, 302, 400)
    with pytest.raises(parity.ParityRefused, match="Cymraeg version"):
        parity.paired_publication(english)


def test_editing_english_after_approval_holds_it_until_welsh_is_updated(
    bilingual, author, approver
):
    english, welsh = draft_pair(bilingual, author)
    submit(english, author)
    approve(signed_in(approver), english.current_workflow_task_state)
    english.refresh_from_db()

    english.title = "Trip to the castle"
    submit(english, author)
    approve(signed_in(approver), english.current_workflow_task_state)

    english.refresh_from_db()
    assert english.title == "Trip"  # the live page did not change
    with pytest.raises(parity.ParityRefused, match="needs updating"):
        parity.paired_publication(english)

    welsh.refresh_from_db()
    welsh.title = "Taith i'r castell"
    welsh.save_revision(user=author)
    assert parity.paired_publication(english).partners == [welsh.specific]


def test_a_senior_leaders_exception_lets_english_go_first_and_shows_until_welsh_is_live(
    bilingual, author, approver, head
):
    english = NewsPageFactory(
        parent=bilingual.english.news_index, live=False, owner=author, title="Snow"
    )
    exception = parity.language_exception_record(
        page=english,
        missing_language="cy",
        reason="No Welsh speaker in before 7am",
        allowed_by=head,
    )
    submit(english, author)
    approve(signed_in(approver), english.current_workflow_task_state)

    english.refresh_from_db()
    assert english.live
    assert LanguageException.objects.open().get() == exception
    assert exception.due_by > exception.recorded_at.date()

    welsh = english.copy_for_translation(bilingual.welsh)
    welsh.title, welsh.slug = "Eira", "eira"
    welsh.save_revision(user=author).publish()
    parity.resolve_exceptions(page=english)
    assert not LanguageException.objects.open().exists()


def test_only_a_senior_leader_may_record_an_exception(bilingual, author, approver):
    english = NewsPageFactory(parent=bilingual.english.news_index, title="Snow")

    with pytest.raises(parity.NotSeniorLeader):
        parity.language_exception_record(
            page=english, missing_language="cy", reason="Busy", allowed_by=approver
        )
    assert not LanguageException.objects.exists()


def test_an_exception_needs_a_reason(bilingual, head):
    english = NewsPageFactory(parent=bilingual.english.news_index, title="Snow")

    with pytest.raises(ValueError, match="Say why"):
        parity.language_exception_record(
            page=english, missing_language="cy", reason="  ", allowed_by=head
        )


def test_with_parity_off_each_language_goes_live_on_its_own(school, author, approver):
    make_bilingual(school.home.get_site(), parity=False)
    english = NewsPageFactory(
        parent=school.news_index, live=False, owner=author, title="Trip"
    )
    submit(english, author)

    approve(signed_in(approver), english.current_workflow_task_state)

    english.refresh_from_db()
    assert english.live


def test_an_english_only_school_publishes_as_before(school, author, approver):
    english = NewsPageFactory(
        parent=school.news_index, live=False, owner=author, title="Trip"
    )
    submit(english, author)

    approve(signed_in(approver), english.current_workflow_task_state)

    english.refresh_from_db()
    assert english.live


def test_the_approver_sees_both_languages_side_by_side(bilingual, author, approver):
    english, welsh = draft_pair(bilingual, author)
    submit(english, author)
    task_state = english.current_workflow_task_state

    page = (
        signed_in(approver)
        .get(reverse("moderation_workflow:review", args=(task_state.pk,)))
        .content.decode()
    )

    section = page[page.index("data-review-languages") :]
    assert section.index("Cymraeg") < section.index("English")  # Welsh first
    assert "Taith" in section and "Trip" in section
    assert "Goes live with this version when you approve" in section


def test_a_senior_leader_records_an_exception_on_its_screen_and_the_dashboard_shows_it(
    bilingual, author, head, approver
):
    english = NewsPageFactory(parent=bilingual.english.news_index, title="Snow")
    url = reverse("moderation_workflow:language_exception", args=(english.pk,))

    refused = signed_in(approver).get(url)
    empty = signed_in(head).post(url, {"missing_language": "cy", "reason": ""})
    done = signed_in(head).post(
        url, {"missing_language": "cy", "reason": "No Welsh speaker in yet"}
    )
    dashboard = signed_in(head).get(reverse("wagtailadmin_home")).content.decode()

    assert refused.status_code == 302 and refused.url == "/admin/"  # Wagtail: no access
    assert empty.status_code == 400 and LanguageException.objects.count() == 1
    assert done.status_code == 302
    assert LanguageException.objects.get().allowed_by == head
    assert "Waiting for the other language" in dashboard
    assert "“Snow” is live without its Cymraeg version" in dashboard
