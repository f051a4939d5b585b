"""Go live and expire pages at their scheduled times, a bilingual pair together (M3).

Wagtail's ``publish_scheduled`` publishes each due revision on its own, one after
the other. A bilingual school's pair (parity on, issue 27) is approved together with
one go-live and expiry (``parity.partner_revisions_approve``); here it goes live
together too: the due revisions of every language are published in one transaction
with the same ``last_published_at`` (``revisions_publish_together``), so the
website, the API, the feeds and the social posts see both at the same instant.

When one language is not ready at that time (its go-live was cancelled or moved,
its page deleted, its consent check fails now), neither goes live: the schedule of
every language is cancelled, each page's history says why, the school's dashboard
shows it (``HeldGoLive``) and the author and the approver are emailed.

Expiry unpublishes a pair together: the receiver that takes the other language off
with the first (``parity.unpublish_translations``) marks it expired too, in the
same transaction. Unpublishing sends Wagtail's ``page_unpublished``, on which
publishing deletes the pages' posts from the social networks.

This is the "go live and expire" scheduled job, and ``manage.py publish_scheduled``
(moderation's command replaces Wagtail's, which would publish half a pair).
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision, TaskState, get_default_page_content_type

from cms.languages import LANGUAGE_NAMES, language_plan_for_page
from cms.preparation.services import revisions_publish_together
from moderation.consent.rules import ConsentViolation
from moderation.models import ApprovalTaskState, HeldGoLive

from .parity import open_exception

logger = logging.getLogger(__name__)

SCHEDULED = "wagtail.publish.scheduled"
EXPIRED = "wagtail.unpublish.scheduled"
#: The page's history: its scheduled go-live was held (registered in wagtail_hooks).
GO_LIVE_HELD = "moderation.parity.go_live_held"


class PairNotReady(Exception):
    """One language of a pair cannot go live now; ``str()`` says why."""


def pages_publish_scheduled(*, now: datetime.datetime) -> str:
    """Expire live pages past ``expire_at``; publish revisions approved to go live."""
    expired = _pages_expire(now=now)
    went_live = held = 0
    handled: set[int] = set()
    page_type = get_default_page_content_type()
    due = Revision.objects.filter(approved_go_live_at__lte=now).order_by(
        "approved_go_live_at", "pk"
    )
    for revision in list(due):
        if revision.pk in handled:
            continue
        if revision.base_content_type_id != page_type.pk:
            # Not a page (a snippet with drafts): it has no other language.
            revision.publish(log_action=SCHEDULED)
            went_live += 1
            continue
        page = Page.objects.filter(pk=revision.object_id).first()
        if page is None:
            continue
        page = page.specific
        try:
            partners = _partner_revisions(page, now=now)
        except PairNotReady as not_ready:
            handled.update(_hold(page, revision=revision, reason=str(not_ready)))
            held += 1
            continue
        if not partners:
            revision.publish(log_action=SCHEDULED)
            went_live += 1
            continue
        handled.update(partner.pk for partner in partners)
        try:
            revisions_publish_together(
                revision=revision,
                translations=partners,
                user=None,
                log_action=SCHEDULED,
            )
        except ConsentViolation as refused:
            # Nothing of the pair was written: the transaction rolled back.
            reason = _("the consent check fails now: %(problems)s") % {
                "problems": " ".join(v.message for v in refused.violations)
            }
            handled.update(_hold(page, revision=revision, reason=reason))
            held += 1
            continue
        went_live += 1 + len(partners)
    outcome = f"{went_live} went live, {expired} expired."
    if held:
        outcome += f" {held} held: the other language was not ready."
    return outcome


def _pages_expire(*, now: datetime.datetime) -> int:
    """Unpublish live pages past their expiry; a pair's other language with each."""
    expired = 0
    for page_id in (
        Page.objects.live().filter(expire_at__lte=now).order_by("expire_at", "pk")
    ).values_list("pk", flat=True):
        # Read again: expiring the first of a pair took its translation off too.
        page = Page.objects.live().filter(pk=page_id).first()
        if page is None:
            continue
        with transaction.atomic():
            page.specific.unpublish(set_expired=True, log_action=EXPIRED)
        expired += 1
    return expired


def _partner_revisions(page: Page, *, now: datetime.datetime) -> list[Revision]:
    """The other languages' revisions that go live with ``page``'s, all due now.

    Empty when the school publishes in one language, parity is off, or a senior
    leader let this page go live without its other language.

    Raises:
        PairNotReady: a language the page must go live with has no revision
            approved to go live at this time.
    """
    plan = language_plan_for_page(page)
    if not (plan.bilingual and plan.parity):
        return []
    translations = {
        translation.locale.language_code: translation
        for translation in page.get_translations().select_related("locale")
    }
    partners = []
    for code in plan.other_languages(page.locale.language_code):
        if open_exception(page, code) is not None:
            continue
        language = LANGUAGE_NAMES.get(code, code)
        translation = translations.get(code)
        if translation is None:
            raise PairNotReady(
                _("its %(language)s version no longer exists") % {"language": language}
            )
        scheduled = translation.revisions.filter(
            approved_go_live_at__isnull=False
        ).first()
        if scheduled is None:
            raise PairNotReady(
                _(
                    "its %(language)s version was not approved to go live with it "
                    "(that version's go-live was cancelled or never approved)"
                )
                % {"language": language}
            )
        if scheduled.approved_go_live_at > now:
            raise PairNotReady(
                _("its %(language)s version is scheduled for a later time, %(time)s")
                % {"language": language, "time": _when(scheduled.approved_go_live_at)}
            )
        partners.append(scheduled)
    return partners


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def _hold(page: Page, *, revision: Revision, reason: str) -> list[int]:
    """Cancel the go-live of every language of ``page``, record and tell why.

    Returns the revisions taken off the schedule (none of them goes live alone).
    """
    pages = [page, *page.get_translations().specific()]
    page_ids = [str(version.pk) for version in pages]
    scheduled = list(
        Revision.objects.filter(
            base_content_type=page.get_base_content_type(),
            object_id__in=page_ids,
            approved_go_live_at__isnull=False,
        )
    )
    Revision.objects.filter(pk__in=[each.pk for each in scheduled]).update(
        approved_go_live_at=None
    )
    message = _(
        "“%(title)s” did not go live at its scheduled time, in any language: "
        "%(reason)s. Nothing was published. Correct it, then approve the page again "
        "to publish both languages together."
    ) % {"title": page.title, "reason": reason}
    site = page.get_site()
    HeldGoLive.objects.create(
        site=site, page=page, go_live_at=revision.approved_go_live_at, reason=message
    )
    for version in pages:
        log(instance=version, action=GO_LIVE_HELD, data={"reason": message})
    logger.warning(
        "Scheduled go-live of page %s held: %s",
        page.pk,
        reason,
        extra={"event": "parity.go_live_held", "page_id": page.pk},
    )
    _tell(page=page, page_ids=page_ids, revisions=scheduled, message=message)
    return [each.pk for each in scheduled]


def _tell(
    *, page: Page, page_ids: list[str], revisions: list[Revision], message: str
) -> None:
    """Email the page's owner, the authors and the approver of what was held."""
    people = [page.owner, *(revision.user for revision in revisions)]
    approval = (
        ApprovalTaskState.objects.filter(
            workflow_state__base_content_type=page.get_base_content_type(),
            workflow_state__object_id__in=page_ids,
            status=TaskState.STATUS_APPROVED,
        )
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if approval is not None:
        people.append(approval.finished_by)
    recipients = sorted({user.email for user in people if user and user.email})
    if recipients:
        send_mail(
            subject=_("Not published: %(title)s") % {"title": page.title},
            message=message,
            from_email=None,
            recipient_list=recipients,
        )
