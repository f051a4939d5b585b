"""Holiday notices from the school's template and term calendar (M1, M2).

A set number of days before each holiday (default 7) a notice is drafted from the
template and submitted to the two-person workflow; its author and the approvers are
told. Once approved it is scheduled: it goes live, pinned, when the holiday starts,
and expires when the accounts are watched again on the first day back (the go-live
and expiry job; expiry deletes its posts). A post for every approved account is
part of the draft, so what the approver sees is what is sent.

If the holiday is edited after drafting, the notice follows: new dates with the same
words are moved in place; new words need approval again (the old notice is taken
down first, so nothing wrong stays up). A deleted holiday withdraws its notice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from wagtail.models import Locale, Page, Site

from cms.calendar_settings import HolidayNoticeSettings, MonitoringHours
from cms.languages import ENGLISH, WELSH, language_plan
from cms.models import NoticeIndexPage, NoticePage, TermDate
from cms.school_calendar import first_school_day_after
from publishing import selectors
from publishing.models import SocialAccount, SocialPost
from publishing.networks.base import network_class
from publishing.notifications import notify, senior_leadership_emails
from publishing.scheduled_jobs.errors import SchoolsFailed
from publishing.text import page_link, post_text_with_link

logger = logging.getLogger(__name__)


class HolidayNoticeNotDrafted(Exception):
    """Holiday notices cannot be drafted; ``str()`` says what the school must do."""


@dataclass(frozen=True)
class HolidayNoticeText:
    title: str
    message: str  # rich text (HTML paragraphs)
    social: str  # plain text, before it is fitted to each network
    starts: datetime.datetime
    ends: datetime.datetime


def _friendly(day: datetime.date, *, language: str = ENGLISH) -> str:
    if language == ENGLISH:
        return f"{day:%A} {day.day} {day:%B}"
    with translation.override(language):
        return date_format(day, "l j F")  # "dydd Mawrth 5 Ionawr"


def holiday_notice_text(
    *,
    holiday: TermDate,
    notice_settings: HolidayNoticeSettings,
    site: Site,
    language: str = ENGLISH,
) -> HolidayNoticeText:
    """The notice's words and times for ``holiday`` from the school's template,
    in ``language`` (a bilingual school has a template in each)."""
    hours = MonitoringHours.for_site(site)
    first_back = first_school_day_after(holiday.last_day, site=site)
    template = notice_settings.in_language(language)
    values = {
        "holiday": holiday.title_for(language),
        "first_day_back": _friendly(first_back, language=language),
        "office_contact": template["office_contact"],
        "emergency": template["emergency"],
    }
    paragraphs = template["message"].format_map(values).split("\n\n")
    message = "".join(
        f"<p>{escape(paragraph.strip())}</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )
    return HolidayNoticeText(
        title=template["title"].format_map(values)[:255],
        message=message,
        social=(template["social"] or template["title"]).format_map(values).strip(),
        starts=datetime.datetime.combine(
            holiday.starts_on, datetime.time(0, 0), tzinfo=hours.zone
        ),
        ends=datetime.datetime.combine(first_back, hours.opens_at, tzinfo=hours.zone),
    )


def fitted_text(text: str, *, account: SocialAccount, link: str) -> str:
    """``text`` shortened (with an ellipsis) so that text and link fit the network."""
    network = network_class(account.network)
    words = text
    while (
        words
        and network.text_length(post_text_with_link(text=words, link=link))
        > network.max_length
    ):
        words = words[: max(len(words) - 10, 0)].rstrip() + "…"
        if len(words) <= 1:
            words = ""
    return words


def _social_posts(notice: NoticePage, *, text: str) -> list[SocialPost]:
    link = page_link(notice)
    return [
        SocialPost(account=account, text=fitted_text(text, account=account, link=link))
        for account in selectors.accounts_for_text_notices(sites=[notice.get_site()])
    ]


def _author(notice_settings: HolidayNoticeSettings):
    author = notice_settings.author
    return author if author is not None and author.is_active else None


def _tell_author(notice: NoticePage, *, notice_settings, subject: str, body: str):
    author = _author(notice_settings)
    notify(
        recipients=[author.email]
        if author
        else senior_leadership_emails(site=notice_settings.site),
        subject=subject,
        body=body,
    )


def _submit(notice: NoticePage, *, user) -> None:
    """Send the latest revision to the workflow (the approvers are emailed)."""
    workflow = notice.get_workflow()
    if workflow is None:
        raise HolidayNoticeNotDrafted(
            "Notices have no approval workflow, so a holiday notice could not be "
            "sent for approval. An administrator must assign one."
        )
    workflow.start(notice, user)


def holiday_notice_draft(*, holiday: TermDate, now: datetime.datetime) -> NoticePage:
    """Draft ``holiday``'s notice from its school's template and submit it for
    approval, among that school's notices.

    Raises:
        HolidayNoticeNotDrafted: no template, or nowhere to put notices.
    """
    site = holiday.site
    notice_settings = HolidayNoticeSettings.for_site(site)
    if not notice_settings.has_template:
        raise HolidayNoticeNotDrafted(
            f"The notice for {holiday.title} could not be drafted: the holiday notice "
            "template is empty. Write one in Settings → Holiday notices."
        )
    bilingual = language_plan(site).bilingual
    if bilingual and not notice_settings.has_welsh_template:
        raise HolidayNoticeNotDrafted(
            f"The notice for {holiday.title} could not be drafted: the school "
            "publishes in Welsh and English, and the Welsh template is empty. Write "
            "it in Settings → Holiday notices."
        )
    index = NoticeIndexPage.objects.descendant_of(site.root_page).first()
    if index is None:
        raise HolidayNoticeNotDrafted(
            "There is no notices page to put holiday notices under."
        )
    text = holiday_notice_text(
        holiday=holiday, notice_settings=notice_settings, site=site
    )
    author = _author(notice_settings)
    with transaction.atomic():
        notice = NoticePage(
            title=text.title,
            kind=NoticePage.Kind.HOLIDAY,
            message=text.message,
            valid_from=text.starts,
            valid_until=text.ends,
            go_live_at=text.starts,
            expire_at=text.ends,
            pinned=True,
            holiday=holiday,
            live=False,
            owner=author,
        )
        index.add_child(instance=notice)
        notice.social_posts = _social_posts(notice, text=text.social)
        notice.save_revision(user=author, log_action=True)
        if bilingual:
            _welsh_version_draft(
                notice,
                text=holiday_notice_text(
                    holiday=holiday,
                    notice_settings=notice_settings,
                    site=site,
                    language=WELSH,
                ),
                author=author,
            )
        _submit(notice, user=author)
    _tell_author(
        notice,
        notice_settings=notice_settings,
        subject=f"Holiday notice waiting for approval: {notice.title}",
        body=(
            f"The notice for {holiday.title} has been drafted from the school's "
            f"template and sent for approval. Once approved it goes live and is "
            f"pinned on {timezone.localtime(text.starts):%A %d %B at %H:%M}, and "
            f"comes down on {timezone.localtime(text.ends):%A %d %B at %H:%M}.\n"
        ),
    )
    logger.info(
        "Holiday notice drafted for %s",
        holiday,
        extra={"event": "holiday_notice.drafted", "holiday": holiday.pk},
    )
    return notice


def _welsh_version_draft(
    notice: NoticePage, *, text: HolidayNoticeText, author
) -> NoticePage:
    """The notice's Welsh version, from the Welsh template: approving the English
    one publishes both at the same moment (parity, issue 27)."""
    welsh = notice.copy_for_translation(
        Locale.objects.get(language_code=WELSH), copy_parents=True
    )
    welsh.title, welsh.message = text.title, text.message
    welsh.social_posts = _social_posts(welsh, text=text.social)
    welsh.save_revision(user=author, log_action=True)
    return welsh


def holidays_needing_notices(*, site: Site, today: datetime.date, days_before: int):
    """The school's holidays due a notice and without one: starting within
    ``days_before`` days, or begun and not over (a run missed while the worker was
    down still drafts)."""
    return TermDate.objects.filter(
        site=site,
        kind=TermDate.Kind.HOLIDAY,
        starts_on__lte=today + datetime.timedelta(days=days_before),
    ).filter(
        Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today),
        holiday_notices__isnull=True,
    )


def holiday_notices_draft(*, now: datetime.datetime) -> str:
    """Daily: draft every school's holiday notices now due, each from its school's
    template onto its school's site. Idempotent: one per holiday.

    Raises:
        SchoolsFailed: a school has no template (or no notices page); the other
            schools' notices are drafted first, then the run is recorded as failed
            and that school's dashboard shows why until it is fixed.
    """
    today = timezone.localdate(now)
    drafted = 0
    problems: dict[int, str] = {}
    sites = Site.objects.order_by("site_name", "hostname")
    for site in sites:
        notice_settings = HolidayNoticeSettings.for_site(site)
        due = holidays_needing_notices(
            site=site, today=today, days_before=notice_settings.days_before
        )
        for holiday in due:
            try:
                holiday_notice_draft(holiday=holiday, now=now)
            except HolidayNoticeNotDrafted as problem:
                problems.setdefault(site.pk, str(problem))
            else:
                drafted += 1
    done = f"{drafted} holiday notice(s) drafted and sent for approval."
    if problems:
        names = {site.pk: site.site_name or site.hostname for site in sites}
        raise SchoolsFailed(problems=problems, names=names, done=done)
    return done if drafted else "No holiday notice due."


# --- The holiday changes after drafting ----------------------------------------------


def _unschedule(notice: NoticePage) -> None:
    notice.revisions.update(approved_go_live_at=None)


def _cancel_workflow(notice: NoticePage) -> None:
    state = notice.current_workflow_state
    if state is not None:
        state.cancel(user=None)


def holiday_notice_withdraw(*, notice: NoticePage, reason: str) -> None:
    """Take the notice down everywhere and stop it going live (posts deleted)."""
    notice = NoticePage.objects.get(pk=notice.pk)
    _cancel_workflow(notice)
    _unschedule(notice)
    if notice.live:
        notice.unpublish(log_action="wagtail.unpublish")  # posts deleted (signal)
    logger.info(
        "Holiday notice %s withdrawn: %s",
        notice.pk,
        reason,
        extra={"event": "holiday_notice.withdrawn", "notice": notice.pk},
    )


def _move(notice: NoticePage, text: HolidayNoticeText) -> None:
    """Same words, new dates: move the notice without asking again."""
    fields = {
        "valid_from": text.starts,
        "valid_until": text.ends,
        "go_live_at": text.starts,
        "expire_at": text.ends,
    }
    NoticePage.objects.filter(pk=notice.pk).update(
        valid_from=text.starts, valid_until=text.ends
    )
    Page.objects.filter(pk=notice.pk).update(
        go_live_at=text.starts, expire_at=text.ends
    )
    # The revisions that can still be shown: the draft, the approved and the live one.
    current = notice.revisions.filter(
        Q(pk=notice.latest_revision_id)
        | Q(pk=notice.live_revision_id)
        | Q(approved_go_live_at__isnull=False)
    )
    for revision in current:
        revision.content.update(
            {name: value.isoformat() for name, value in fields.items()}
        )
        revision.save(update_fields=["content"])
    notice.revisions.exclude(approved_go_live_at=None).update(
        approved_go_live_at=text.starts
    )


def holiday_notices_follow(*, holiday: TermDate, now: datetime.datetime) -> None:
    """The holiday was edited: move, re-word (re-approval) or withdraw its notices."""
    site = holiday.site
    notice_settings = HolidayNoticeSettings.for_site(site)
    if holiday.last_day < timezone.localdate(now):
        return  # a past holiday tidied up: its notice has long gone
    for notice in NoticePage.objects.filter(holiday=holiday):
        if holiday.kind != TermDate.Kind.HOLIDAY:
            holiday_notice_withdraw(notice=notice, reason="no longer a holiday")
            continue
        if not notice_settings.has_template:
            continue
        text = holiday_notice_text(
            holiday=holiday,
            notice_settings=notice_settings,
            site=site,
            language=notice.locale.language_code,
        )
        latest = notice.get_latest_revision_as_object()
        same_words = (latest.title, latest.message) == (text.title, text.message)
        same_dates = (latest.valid_from, latest.valid_until) == (text.starts, text.ends)
        if same_words and same_dates:
            continue
        if same_words:
            _move(notice, text)
            continue
        holiday_notice_withdraw(notice=notice, reason="the holiday changed")
        notice = NoticePage.objects.get(pk=notice.pk)
        draft = notice.get_latest_revision_as_object()
        draft.title, draft.message = text.title, text.message
        draft.valid_from = draft.go_live_at = text.starts
        draft.valid_until = draft.expire_at = text.ends
        draft.social_posts = _social_posts(draft, text=text.social)
        author = _author(notice_settings)
        draft.save_revision(user=author, log_action=True)
        _submit(draft, user=author)
        _tell_author(
            draft,
            notice_settings=notice_settings,
            subject=f"Holiday notice changed, approve it again: {draft.title}",
            body=(
                f"{holiday.title} was changed in the term calendar, so its notice "
                "was re-worded and sent for approval again. The earlier version was "
                "taken down and will not go live.\n"
            ),
        )


def holiday_notices_withdraw_for(*, holiday: TermDate) -> None:
    """The holiday was deleted from the term calendar: withdraw its notices."""
    for notice in NoticePage.objects.filter(holiday=holiday):
        holiday_notice_withdraw(notice=notice, reason="the holiday was deleted")
