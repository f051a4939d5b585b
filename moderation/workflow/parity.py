"""Both languages together: a bilingual school's page goes live with its translation.

Welsh Government guidance: a school in Wales publishes its information in Welsh and
English at the same time, Welsh not treated less favourably. With the school's parity
setting on (the default when its languages include Welsh), the approval of one
language is the approval of the pair: the approver sees both side by side on the
review screen, and both go live in the same transaction, with the same scheduled
go-live and expiry (their copies prepared together by ``cms.preparation``). A page
whose translation is missing, or was not updated since the pair was last published
("needs update"), is refused, unless a senior leader recorded an exception for it
(``language_exception_record``).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from cms.languages import ENGLISH, LANGUAGE_NAMES, WELSH, language_plan_for_page
from moderation.models import HeldGoLive, LanguageException
from moderation.two_factor.permissions import is_senior_leader

logger = logging.getLogger(__name__)

WORKING_DAYS_ALLOWED = 2


class ParityRefused(Exception):
    """One language would go live alone; ``str()`` says why in the school's words."""


class NotSeniorLeader(Exception):
    """Only senior leadership may let one language go live first."""


@dataclass(frozen=True)
class PairedPublication:
    """What goes live with a page: its translations (none when parity is off)."""

    partners: list[Page]


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def open_exception(page: Page, missing_language: str) -> LanguageException | None:
    return (
        LanguageException.objects.open()
        .filter(page_id=page.pk, missing_language=missing_language)
        .first()
    )


def needs_update(*, page: Page, partner: Page) -> bool:
    """Was ``partner`` left as it was since the pair last went live, while ``page``
    changed? Then the translation no longer says what the page says."""
    return page.live and partner.live and not partner.has_unpublished_changes


def paired_publication(page: Page) -> PairedPublication:
    """The translations that must go live with ``page``.

    Raises:
        ParityRefused: a translation is missing or needs update, and no senior
            leader recorded an exception for it.
    """
    plan = language_plan_for_page(page)
    if not (plan.bilingual and plan.parity):
        return PairedPublication(partners=[])
    own = page.locale.language_code
    translations = {
        translation.locale.language_code: translation.specific
        for translation in page.get_translations().select_related("locale")
    }
    partners = []
    for code in plan.other_languages(own):
        partner = translations.get(code)
        if open_exception(page, code) is not None:
            continue
        if partner is None:
            raise ParityRefused(
                _(
                    "The %(language)s version of this page has not been written, so "
                    "neither language was published. Write it with “Translate”, or "
                    "ask a senior leader to record an exception."
                )
                % {"language": _language_name(code)}
            )
        if needs_update(page=page, partner=partner):
            raise ParityRefused(
                _(
                    "The %(language)s version needs updating to match this change, "
                    "so neither language was published. Edit it and submit again, "
                    "or ask a senior leader to record an exception."
                )
                % {"language": _language_name(code)}
            )
        partners.append(partner)
    return PairedPublication(partners=partners)


def partner_revisions_approve(
    *, revision: Revision, pairing: PairedPublication, user
) -> list[Revision]:
    """Each partner's latest version, saved to go live with ``revision``.

    Called in the approval's transaction: every partner gets ``revision``'s
    go-live and expiry, and its own review, if any, is over. The revisions
    returned are what goes live with the page (``cms.preparation``), together.
    """
    approved = revision.as_object()
    revisions = []
    for partner in pairing.partners:
        draft = partner.get_latest_revision_as_object()
        draft.go_live_at = approved.go_live_at
        draft.expire_at = approved.expire_at
        revisions.append(draft.save_revision(user=user, log_action=False, clean=False))
        _finish_partner_workflow(partner, user=user)
        logger.info(
            "Approved %s with its translation %s",
            partner.pk,
            approved.pk,
            extra={"event": "parity.approved_together", "page_id": partner.pk},
        )
    return revisions


def _finish_partner_workflow(partner: Page, *, user) -> None:
    """The pair's approval covers the partner: its own review, if any, is over."""
    state = partner.current_workflow_state
    if state is not None:
        state.cancel(user=user)


def resolve_exceptions(*, page: Page) -> None:
    """An exception ends when the language it let wait is live too; a held
    go-live ends when either language is approved (published or scheduled) again.

    Runs on every publication (``moderation.signal_handlers``).
    """
    HeldGoLive.objects.open().filter(page__translation_key=page.translation_key).update(
        resolved_at=timezone.now()
    )
    for exception in LanguageException.objects.open().filter(
        page__translation_key=page.translation_key
    ):
        live_in = set(
            Page.objects.filter(
                translation_key=page.translation_key, live=True
            ).values_list("locale__language_code", flat=True)
        )
        if exception.missing_language in live_in:
            exception.resolved_at = timezone.now()
            exception.save(update_fields=["resolved_at"])


def alt_text_problems(page) -> list[str]:
    """The photos of a bilingual school's page without alt text in each language.

    A parent using a screen reader hears the description of each photo; on the Welsh
    website that is its Welsh description. "Every rule in both languages" (issue 27):
    a bilingual school's page goes live only when each photo it shows has both.
    """
    from wagtail.images import get_image_model

    from moderation.consent.page_media import page_media

    if not language_plan_for_page(page).bilingual:
        return []
    problems = []
    images = get_image_model().objects.filter(pk__in=set(page_media(page).image_ids))
    for image in images.order_by("title"):
        missing = [
            _language_name(code)
            for code, text in (
                (WELSH, getattr(image, "welsh_description", "")),
                (ENGLISH, image.description),
            )
            if not (text or "").strip()
        ]
        if missing:
            problems.append(
                _(
                    "The photo “%(title)s” has no description (alt text) in "
                    "%(languages)s. A page in Welsh and English needs it in both: "
                    "add it to the photo in Images."
                )
                % {"title": image.title, "languages": _(" or ").join(missing)}
            )
    return problems


def unpublish_translations(*, page: Page, user=None) -> list[Page]:
    """Withdrawing one language withdraws the pair: its live translations leave too.

    Unpublishing, expiry and takedown of a bilingual school's page (parity on) leave
    no language behind on the website, in the same transaction; an expired page's
    translations are marked expired too. The social posts of every language follow
    through each page's own ``page_unpublished``.
    """
    plan = language_plan_for_page(page)
    if not (plan.bilingual and plan.parity):
        return []
    withdrawn = []
    for translation in page.get_translations().live().specific():
        if page.expired:
            # An expiry: the other language expires with it, recorded as such.
            translation.unpublish(
                user=user, set_expired=True, log_action="wagtail.unpublish.scheduled"
            )
        else:
            translation.unpublish(user=user)
        withdrawn.append(translation)
        logger.info(
            "Unpublished %s with its translation %s",
            translation.pk,
            page.pk,
            extra={"event": "parity.unpublished_together", "page_id": translation.pk},
        )
    return withdrawn


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    while count:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@transaction.atomic
def language_exception_record(
    *, page: Page, missing_language: str, reason: str, allowed_by
) -> LanguageException:
    """Let ``page`` go live without its ``missing_language`` version for now.

    Raises:
        NotSeniorLeader: ``allowed_by`` is not in senior leadership.
        ValueError: no reason given, or the school does not publish that language.
    """
    if not is_senior_leader(allowed_by):
        raise NotSeniorLeader(
            _("Only a senior leader may let one language go live first.")
        )
    if not reason.strip():
        raise ValueError(_("Say why the other language cannot go live at once."))
    plan = language_plan_for_page(page)
    if not plan.publishes(missing_language):
        raise ValueError(_("This school does not publish in that language."))
    site = page.get_site()
    return LanguageException.objects.create(
        site=site,
        page=page,
        missing_language=missing_language,
        reason=reason.strip(),
        allowed_by=allowed_by,
        due_by=working_days_after(timezone.localdate(), WORKING_DAYS_ALLOWED),
    )


@dataclass(frozen=True)
class LanguageColumn:
    """One language's version, as the approver reads it beside the other."""

    language: str
    title: str
    summary: str
    status: str
    edit_url: str = ""
    exception_url: str = ""  # a senior leader may let this language follow later


def _summary_of(page) -> str:
    for field in ("summary", "intro", "search_description"):
        value = getattr(page, field, "")
        if value and isinstance(value, str):
            return value
    return ""


def side_by_side(revision_page: Page) -> list[LanguageColumn]:
    """The page and its translations in the school's order, for the review screen.

    Empty when the school publishes in one language or parity is off.
    """
    from django.urls import reverse

    plan = language_plan_for_page(revision_page)
    if not (plan.bilingual and plan.parity):
        return []
    own = revision_page.locale.language_code
    translations = {
        translation.locale.language_code: translation.specific
        for translation in revision_page.get_translations().select_related("locale")
    }
    columns = []
    exception_url = reverse(
        "moderation_workflow:language_exception", args=(revision_page.pk,)
    )
    for code in plan.codes:
        name = _language_name(code)
        if code == own:
            columns.append(
                LanguageColumn(
                    name,
                    revision_page.title,
                    _summary_of(revision_page),
                    _("This version, for your approval"),
                )
            )
            continue
        partner = translations.get(code)
        if partner is None:
            status = (
                _("Allowed to follow later by a senior leader")
                if open_exception(revision_page, code)
                else _("Not written yet: approving will be refused")
            )
            columns.append(
                LanguageColumn(name, "", "", status, exception_url=exception_url)
            )
            continue
        draft = partner.get_latest_revision_as_object()
        stale = needs_update(page=revision_page, partner=partner)
        if stale:
            status = _("Needs updating to match: approving will be refused")
        else:
            status = _("Goes live with this version when you approve")
        columns.append(
            LanguageColumn(
                name,
                draft.title,
                _summary_of(draft),
                status,
                reverse("wagtailadmin_pages:edit", args=(partner.pk,)),
                exception_url if stale else "",
            )
        )
    return columns
