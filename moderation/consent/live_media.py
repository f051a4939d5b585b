"""Changes that could make live media less safe: only the consent officer, stepped up.

Issue 9 asked for one of two designs for replacing the file of, removing a learner
from, or declaring "no identifiable learners" on an image or document that is live
(used by a live page), was ever posted to social media, or was recognised as a copy
of an earlier tagged or withdrawn picture:

- a pending change that a second member of staff approves; or
- the change made only by the consent officer (the Safeguarding group), with a fresh
  one-time code (step-up) and an entry in the audit log.

This is the second. Who is in a photo is a question about the consent register, which
the consent officer keeps and nobody else may read in full; a second editor or approver
approving "no identifiable learners" could not check it any better than the first. A
pending change would also need a shadow copy of every file and tag set and a second
review queue, each one more way for an unapproved picture to leak. So an editor who
tries is refused, nothing is saved and they are told who to ask; the consent officer
makes the change with a fresh code and it is logged with what changed and why the item
was protected. Changes that make an item *safer* (adding a learner, withdrawing) are
anyone's to make and apply at once (``cascade.media_recheck``).

The rule is enforced by the image and document edit forms (``forms.py``), through
every admin view that uses them. Deleting a posted or live item takes its copies
down first (publishing), and a withdrawn one is kept (``deletion.py``).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import get_text_list

from moderation.models import MediaMatch
from moderation.roles import SAFEGUARDING

from .cascade import pages_using


def media_protection(item) -> str | None:
    """Why ``item``'s tags may only be loosened by the consent officer, or None.

    Returns plain words for the editor ("it is on the live website"), or None when
    the item is free to change (a draft-only upload nobody has seen).
    """
    if item.pk is None:
        return None
    reasons = []
    if pages_using([item]).live().exists():
        reasons.append("it is on the live website")
    if item.first_posted_at is not None:
        reasons.append("it has been posted to social media")
    if media_matches(item):
        reasons.append("it is a copy of a picture already tagged or withdrawn")
    return get_text_list(reasons, "and") if reasons else None


def media_matches(item) -> list[MediaMatch]:
    """The earlier items this one was recognised as a copy of (``duplicates.py``)."""
    return [match for match in _recorded_matches(item) if match.is_copy]


def media_lookalikes_pending(item) -> list[MediaMatch]:
    """Withdrawn pictures this one looks like, not yet judged by the consent officer."""
    return [
        match
        for match in _recorded_matches(item)
        if not match.is_copy and match.reviewed_at is None
    ]


def _recorded_matches(item) -> list[MediaMatch]:
    if item.pk is None:
        return []
    return list(
        MediaMatch.objects.filter(
            content_type=ContentType.objects.get_for_model(type(item)),
            item_id=item.pk,
        )
    )


def loosening_changes(
    item, *, learner_ids: set[int], no_identifiable_learners: bool, new_file: bool
) -> list[str]:
    """What a form submission would change that makes ``item`` less safe.

    Args:
        item: the image or document as stored.
        learner_ids: the learners the form would leave tagged.
        no_identifiable_learners: the declaration the form would save.
        new_file: whether the form replaces the file.
    """
    changes = []
    if new_file:
        changes.append("replace the file")
    removed = set(item.learners.values_list("pk", flat=True)) - learner_ids
    if removed:
        changes.append("remove a learner")
    if no_identifiable_learners and not item.no_identifiable_learners:
        changes.append("declare 'no identifiable learners'")
    return changes


def is_consent_officer(user) -> bool:
    """Members of the Safeguarding group: the consent officer and the DSL."""
    return bool(
        user is not None
        and user.is_active
        and user.groups.filter(name=SAFEGUARDING).exists()
    )


def refusal_message(*, item, changes: list[str], protection: str, user, fresh: bool):
    """Why this change was not saved and what to do, or None when it may go ahead."""
    kind = "photo" if getattr(item, "is_picture", False) else "document"
    what = get_text_list(changes, "or")
    if not is_consent_officer(user):
        return (
            f"Nothing was saved. Because {protection}, only the consent officer can "
            f"{what} on this {kind}. Ask the consent officer (the designated "
            "safeguarding lead) to make this change. You can add learners at any time."
        )
    if not fresh:
        return format_html(
            "Nothing was saved. Because {}, you need to confirm it is you before you "
            '{} on this {}. <a href="{}">Enter a code from your authenticator app</a>, '
            "then make the change again.",
            protection,
            what,
            kind,
            reverse("two_factor:step_up") + "?" + urlencode({"next": _edit_url(item)}),
        )
    return None


def _edit_url(item) -> str:
    if getattr(item, "is_picture", False):
        return reverse("wagtailimages:edit", args=[item.pk])
    return reverse("wagtaildocs:edit", args=[item.pk])
