"""What actually happens next after a decision, in words staff can act on.

Read from the database after the decision has been saved, never assumed from the
button pressed: a first approval of sensitive content publishes nothing; a holiday
notice goes live when the holiday starts; a page goes live only at the last step.
The approver's message on the review screen and the author's email both use these
sentences, so the two never disagree (P1, P3).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import get_text_list
from wagtail.models import Page, TaskState, WorkflowState

from cms.preparation.selectors import preparation_in_progress


def when(moment: datetime.datetime) -> str:
    """``moment`` as people write it: "Saturday 20 December at 08:30"."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _title(page) -> str:
    return f"“{page.get_admin_display_title()}”"


def _accounts(page) -> list[str]:
    """The accounts ``page`` posts to (read by name: moderation never imports
    publishing)."""
    posts = getattr(page, "social_posts", None)
    if posts is None:
        return []
    return [getattr(post.account, "name", str(post.account)) for post in posts.all()]


def _posts_clause(accounts: list[str]) -> str:
    if len(accounts) == 1:
        return f"its social media post to {accounts[0]}"
    return (
        f"its {len(accounts)} social media posts (to {get_text_list(accounts, 'and')})"
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _holiday_clause(page) -> str:
    holiday = getattr(page, "holiday", None)
    return f", when {holiday.title} starts" if holiday is not None else ""


def _comes_down(page, *, accounts: list[str]) -> str:
    expire_at = getattr(page, "expire_at", None)
    if expire_at is None:
        return ""
    also = " and its posts are deleted" if accounts else ""
    return f" It comes off the website{also} on {when(expire_at)}."


def publication_outcome(page: Page) -> str:
    """Where ``page`` stands once its workflow is approved: live, scheduled, or not.

    Args:
        page: the page, as saved after the approval.
    """
    page = Page.objects.get(pk=page.pk).specific
    title = _title(page)
    scheduled = page.scheduled_revision
    if scheduled is not None and scheduled.approved_go_live_at > timezone.now():
        planned = scheduled.as_object()
        accounts = _accounts(planned)
        going = (
            f"it goes on the website, and {_posts_clause(accounts)} "
            f"{'goes' if len(accounts) == 1 else 'go'} out,"
            if accounts
            else "it goes on the website"
        )
        keeps = (
            " Until then the website keeps showing the version there now."
            if page.live
            else " Until then nothing of it is public."
        )
        return (
            f"{title} is approved and scheduled: {going} on "
            f"{when(scheduled.approved_go_live_at)}{_holiday_clause(planned)}."
            f"{keeps}{_comes_down(planned, accounts=accounts)}"
        )
    preparing = preparation_in_progress(page_id=page.pk)
    if preparing is not None:
        accounts = _accounts(preparing.preparation.revision.as_object())
        posts = (
            f" and {_posts_clause(accounts)} "
            f"{'goes' if len(accounts) == 1 else 'go'} out"
            if accounts
            else ""
        )
        keeps = (
            " Until then the website keeps showing the version there now."
            if page.live
            else " Until then nothing of it is public."
        )
        return (
            f"{title} is approved. {preparing.text}: it goes on the website{posts} "
            f"when every one is ready, usually within a minute.{keeps} Its progress "
            "is on your dashboard and on the review screen."
        )
    if page.live:
        accounts = _accounts(page)
        posts = (
            f" {_capital(_posts_clause(accounts))} "
            f"{'is' if len(accounts) == 1 else 'are'} being sent now."
            if accounts
            else " Nothing goes to social media with it."
        )
        return (
            f"{title} is on the website now.{posts}"
            f"{_comes_down(page, accounts=accounts)}"
        )
    return f"{title} is approved, but it is not on the website yet."


def _reviewers(task) -> str:
    groups = getattr(task, "groups", None)
    names = [group.name for group in groups.all()] if groups is not None else []
    if not names:
        return "another reviewer"
    return "someone in " + get_text_list(names, "or")


def approval_outcome(*, task_state: TaskState) -> str:
    """The approver's message after approving ``task_state``: what happens next.

    When a later step still waits (a senior leader's approval of a closure), nothing
    is public yet and the message says so and who decides next.
    """
    workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
    page = workflow_state.content_object.specific
    if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
        next_state = workflow_state.current_task_state
        who = _reviewers(next_state.task.specific) if next_state else "another step"
        held = (
            "The website keeps showing the version there now, and no social media "
            "posts go,"
            if page.live
            else "Nothing goes on the website or social media"
        )
        return (
            f"You approved {_title(page)}, but it is not public yet: it now needs a "
            f"second approval from {who} (they have been emailed). {held} until "
            "they approve it."
        )
    return publication_outcome(page)


def sent_back_outcome(*, task_state: TaskState) -> str:
    """The approver's message after sending ``task_state``'s page back."""
    workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
    page = workflow_state.content_object.specific
    author = workflow_state.requested_by
    name = (author.get_full_name() or author.get_username()) if author else "its author"
    emailed = " by email" if author is not None and author.email else ""
    stays = (
        "The website keeps showing the version there now"
        if page.live
        else "Nothing of it is on the website or social media"
    )
    return (
        f"{_title(page)} was sent back to {name} with your comment{emailed}. {stays} "
        "until it is changed and approved again."
    )


@dataclass(frozen=True)
class SubmissionOutcome:
    """The one message an author reads after pressing Submit: sent, or sent back."""

    sent_back: bool
    text: str
    problems: tuple[str, ...] = ()


def submission_outcome(*, page: Page) -> SubmissionOutcome | None:
    """Where ``page`` stands right after its author submitted it, or None if it
    is not in a workflow (nothing was submitted).

    The automatic consent check runs inside the submission, so a page can be sent
    back before anyone sees it: then that is the whole story, never "submitted".
    """
    page = Page.objects.get(pk=page.pk).specific  # the editor's copy caches its state
    workflow_state = page.current_workflow_state
    if workflow_state is None:
        return None
    title = _title(page)
    task_state = workflow_state.current_task_state
    if workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        problems = tuple(
            line.removeprefix("- ").strip()
            for line in (task_state.comment if task_state else "").splitlines()
            if line.startswith("- ")
        )
        return SubmissionOutcome(
            sent_back=True,
            text=f"{title} was not sent for approval: the consent check sent it "
            "back. Fix these and submit it again:",
            problems=problems,
        )
    if workflow_state.status != WorkflowState.STATUS_IN_PROGRESS or task_state is None:
        return None
    author = workflow_state.requested_by
    email = (
        " You will get an email when it is approved or sent back."
        if author is not None and author.email
        else ""
    )
    held = (
        "The website keeps showing the version there now until it is approved."
        if page.live
        else "Nothing of it is public until it is approved."
    )
    return SubmissionOutcome(
        sent_back=False,
        text=(
            f"{title} is sent for approval: {_reviewers(task_state.task.specific)} "
            f"will check it. {held}{email}"
        ),
    )
