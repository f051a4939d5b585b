"""Every change to the inbox: comments received, rules applied, hidden and shown,
replied to, raised as incidents, blocked. Each one is logged (`InboxAction`).

A comment is received once whatever path brings it (webhook, poll, a duplicate
delivery): the row is unique per account and remote id, and only the request that
made the row applies the rules.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from urllib.parse import urlsplit

import regex
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from moderation.consent.names import PublishedWords, learner_name
from moderation.incidents.services import evidence_add, incident_report
from moderation.models import BlockedAccount, Incident, IncidentCategory, Severity
from moderation.roles import APPROVERS
from publishing.models import Delivery, SocialAccount
from publishing.networks.base import AuthExpired, NetworkError
from publishing.services.accounts import account_credentials

from . import alerts
from .block_notices import block_notice_draft
from .due import reply_due_at
from .models import InboxAction, InboxItem, InboxReading, InboxReply
from .readers.base import InboxReader, ReadComment, reader_class
from .rules import RuleBook, names_a_learner

logger = logging.getLogger(__name__)

State = InboxItem.State
Kind = InboxAction.Kind
#: A poll reads again this far behind where it stopped: late arrivals are not missed.
POLL_OVERLAP = datetime.timedelta(minutes=5)
#: The first poll of an account looks back this far.
FIRST_POLL = datetime.timedelta(days=1)
_LINK = regex.compile(r"https?://[^\s<>\"']+|www\.[^\s<>\"']+", regex.IGNORECASE)
_HANDLE = regex.compile(r"(?<![\w@])@\w{2,}")


class InboxRefused(Exception):
    """A change the rules do not allow; the message says why, for staff."""


def account_school(account: SocialAccount) -> Site:
    """The school an account belongs to: the one place the inbox asks."""
    return account.site


def account_reader(account: SocialAccount) -> InboxReader:
    """The account's reader with its stored credentials.

    Raises:
        AuthExpired: no credentials are stored (connect the account).
    """
    return reader_class(account.network)(
        credentials=account_credentials(account=account)
    )


def _record(item: InboxItem, kind: str, *, by=None, rule: str = "", note: str = ""):
    return InboxAction.objects.create(item=item, kind=kind, by=by, rule=rule, note=note)


# --- receiving ----------------------------------------------------------------------
def comment_receive(
    *,
    account: SocialAccount,
    comment: ReadComment,
    reader: InboxReader | None = None,
    rules: RuleBook | None = None,
) -> InboxItem | None:
    """Store a comment once and apply the rules to it; None for the school's own.

    Pass `reader` and `rules` when receiving a batch, so each is made once. Harmful
    comments are hidden on the network before anyone opens the inbox; where
    the network refuses (or cannot hide), the item is top priority instead.
    """
    if comment.by_the_school:
        return None
    site = account_school(account)
    existing = InboxItem.objects.filter(account=account, remote_id=comment.remote_id)
    if existing.exists():
        return existing.get()
    received_at = comment.created_at
    try:
        with transaction.atomic():
            item = InboxItem.objects.create(
                site=site,
                account=account,
                remote_id=comment.remote_id,
                post_remote_id=comment.post_remote_id,
                parent_remote_id=comment.parent_remote_id,
                post_page=_page_of(account, comment.post_remote_id),
                author_id=comment.author_id,
                author_name=comment.author_name[:200],
                text=comment.text,
                url=comment.url[:1000],
                received_at=received_at,
                due_at=reply_due_at(received_at=received_at, site=site),
            )
    except IntegrityError:
        # Another delivery of the same comment made the row first: one item.
        return InboxItem.objects.get(account=account, remote_id=comment.remote_id)
    _apply_rules(item, reader=reader, rules=rules or RuleBook(site=site))
    logger.info(
        "Inbox item %s received",
        item.pk,
        extra={"event": "inbox.received", "item": item.pk, "account": account.pk},
    )
    return item


def _page_of(account: SocialAccount, post_remote_id: str):
    delivery = (
        Delivery.objects.filter(account=account, remote_id=post_remote_id)
        .select_related("page")
        .first()
    )
    return delivery.page if delivery else None


def _apply_rules(
    item: InboxItem, *, reader: InboxReader | None, rules: RuleBook
) -> None:
    hits = rules.hits(item.text)
    if not hits:
        return
    item.rule = "; ".join(hit.label for hit in hits)[:200]
    safeguarding = any(hit.safeguarding for hit in hits)
    item.flagged_for_dsl = safeguarding
    if safeguarding:
        _record(item, Kind.FLAGGED, rule=item.rule)
    try:
        (reader or account_reader(item.account)).hide(remote_id=item.remote_id)
    except NetworkError as error:
        item.top_priority = True
        _record(item, Kind.HIDE_FAILED, rule=item.rule, note=error.reason)
    else:
        item.hidden_on_network = True
        item.state = State.HIDDEN
        _record(item, Kind.HIDDEN, rule=item.rule)
    item.save()
    alerts.harmful_comment_alert(item=item)


def inbox_read(*, account: SocialAccount, now: datetime.datetime | None = None) -> int:
    """Poll one account for new comments; returns how many new items came in.

    A network failure is kept on the account's reading settings for staff to see,
    and the next poll starts from the same place: nothing is skipped.
    """
    now = now or timezone.now()
    reading, _created = InboxReading.objects.get_or_create(
        account=account, defaults={"site": account_school(account)}
    )
    since = (reading.read_until or now - FIRST_POLL) - POLL_OVERLAP
    try:
        reader = account_reader(account)
        comments = reader.comments_since(since=since)
    except NetworkError as error:
        reading.problem = error.reason
        if isinstance(error, AuthExpired):
            reading.problem += " " + _("Comments cannot be read until it is connected.")
        reading.save(update_fields=["problem"])
        logger.warning(
            "Inbox read of account %s failed: %s",
            account.pk,
            error.reason,
            extra={"event": "inbox.read_failed", "account": account.pk},
        )
        return 0
    before = InboxItem.objects.filter(account=account).count()
    rules = RuleBook(site=reading.site)
    for comment in comments:
        comment_receive(account=account, comment=comment, reader=reader, rules=rules)
    reading.read_until = now
    reading.last_read_at = now
    reading.problem = ""
    reading.save(update_fields=["read_until", "last_read_at", "problem"])
    return InboxItem.objects.filter(account=account).count() - before


def accounts_to_read(*, now: datetime.datetime):
    """Approved, connected accounts whose comments the inbox reads now.

    Polling accounts every run; webhook accounts once an hour (the fallback for a
    lost webhook); X only when the school turned it on and accepted the cost.
    """
    accounts = SocialAccount.objects.approved().filter(
        connection=SocialAccount.Connection.CONNECTED
    )
    for account in accounts:
        reading = InboxReading.objects.filter(account=account).first()
        if account.network == "x":
            if not (reading and reading.enabled and reading.cost_accepted_at):
                continue
        elif reading and not reading.enabled:
            continue
        if (
            reading
            and reading.mode == InboxReading.Mode.WEBHOOK
            and reading.last_read_at
            and now - reading.last_read_at < datetime.timedelta(hours=1)
        ):
            continue
        yield account


def inboxes_read(*, now: datetime.datetime) -> str:
    """The scheduled poll: every account due a read."""
    read = new = 0
    for account in accounts_to_read(now=now):
        new += inbox_read(account=account, now=now)
        read += 1
    return f"{read} account(s) read, {new} new comment(s)."


# --- hiding and state ---------------------------------------------------------------
def item_hide(*, item: InboxItem, by) -> InboxItem:
    """Hide a comment on the network (never delete it).

    Raises:
        InboxRefused: the network refused or cannot hide; the item is unchanged.
    """
    try:
        account_reader(item.account).hide(remote_id=item.remote_id)
    except NetworkError as error:
        _record(item, Kind.HIDE_FAILED, by=by, note=error.reason)
        raise InboxRefused(error.reason) from None
    item.hidden_on_network = True
    item.state = State.HIDDEN
    item.save(update_fields=["hidden_on_network", "state"])
    _record(item, Kind.HIDDEN, by=by)
    return item


def item_show(*, item: InboxItem, by) -> InboxItem:
    """Undo a hide (a rule's or a person's) in one step: shown again on the network."""
    try:
        account_reader(item.account).unhide(remote_id=item.remote_id)
    except NetworkError as error:
        raise InboxRefused(error.reason) from None
    item.hidden_on_network = False
    item.state = State.NEW
    item.save(update_fields=["hidden_on_network", "state"])
    _record(item, Kind.SHOWN, by=by, rule=item.rule)
    return item


def item_set_state(*, item: InboxItem, state: str, by) -> InboxItem:
    """Needs reply, answered (by other means) or closed; the log says who."""
    if state not in (State.NEEDS_REPLY, State.ANSWERED, State.CLOSED, State.NEW):
        raise InboxRefused(_("That is not a state a person sets."))
    item.state = state
    if state == State.ANSWERED and item.answered_at is None:
        item.answered_at = timezone.now()
    item.save(update_fields=["state", "answered_at"])
    _record(item, Kind.STATE, by=by, note=item.get_state_display())
    return item


def item_dsl_seen(*, item: InboxItem, by) -> InboxItem:
    item.dsl_seen_at = timezone.now()
    item.save(update_fields=["dsl_seen_at"])
    _record(item, Kind.STATE, by=by, note=_("Seen by the safeguarding lead"))
    return item


# --- replies ------------------------------------------------------------------------
def _outside_links(text: str, *, site: Site) -> list[str]:
    school_host = site.hostname.lower()
    links = []
    for link in _LINK.findall(text):
        host = urlsplit(link if "://" in link else f"https://{link}").hostname or ""
        if host != school_host and not host.endswith("." + school_host):
            links.append(link)
    return links


def _names_staff(text: str) -> bool:
    words = PublishedWords([text])
    return any(
        words.names_in_full(learner_name(first_names=[first], last_name=last))
        for first, last in get_user_model()
        .objects.filter(is_active=True)
        .exclude(last_name="")
        .values_list("first_name", "last_name")
    )


def reply_approval_reason(text: str, *, site: Site) -> str:
    """Why a reply needs a second person, or "" when a manager may send it at once."""
    if _outside_links(text, site=site):
        return _("It links to a site other than the school's.")
    if _HANDLE.search(text) or _names_staff(text):
        return _("It names a person.")
    return ""


def reply_write(*, item: InboxItem, text: str, by) -> InboxReply:
    """A manager's reply: sent at once, or held for a second person (P1).

    Raises:
        InboxRefused: the writer does not manage the account, the reply names a
            pupil in full, or the comment is one that is never answered in public.
    """
    text = text.strip()
    if not text:
        raise InboxRefused(_("Write the reply first."))
    if not item.account.managers.filter(pk=by.pk).exists():
        raise InboxRefused(_("Only the account's managers reply from it."))
    if item.flagged_for_dsl:
        raise InboxRefused(
            _(
                "This comment is with the safeguarding lead: it is not answered "
                "in public."
            )
        )
    if names_a_learner(text, site=item.site):
        raise InboxRefused(
            _("The reply names a pupil in full. Take the name out and send it again.")
        )
    reason = reply_approval_reason(text, site=item.site)
    reply = InboxReply.objects.create(
        item=item,
        text=text,
        written_by=by,
        approval_reason=reason,
        status=(
            InboxReply.Status.AWAITING_APPROVAL if reason else InboxReply.Status.SENDING
        ),
    )
    return reply if reason else _reply_send(reply)


def reply_approve(*, reply: InboxReply, by) -> InboxReply:
    """A second person (a manager or an approver, not the writer) sends the reply.

    Raises:
        InboxRefused: the writer approving their own reply, or someone who neither
            manages the account nor approves posts.
    """
    if reply.status != InboxReply.Status.AWAITING_APPROVAL:
        raise InboxRefused(_("This reply is not waiting for approval."))
    if by.pk == reply.written_by_id:
        raise InboxRefused(_("Someone other than the writer must approve a reply."))
    may = (
        reply.item.account.managers.filter(pk=by.pk).exists()
        or by.school_memberships.filter(
            site_id=reply.item.site_id, role=APPROVERS
        ).exists()
    )
    if not may:
        raise InboxRefused(
            _("Only the account's managers or approvers approve replies.")
        )
    reply.approved_by = by
    reply.save(update_fields=["approved_by"])
    return _reply_send(reply)


def _reply_send(reply: InboxReply) -> InboxReply:
    """Send once: a reply with a remote id is never sent again."""
    with transaction.atomic():
        reply = InboxReply.objects.select_for_update().get(pk=reply.pk)
        if reply.remote_id:
            return reply
        item = reply.item
        try:
            remote_id = account_reader(item.account).reply(
                remote_id=item.remote_id, text=reply.text
            )
        except NetworkError as error:
            reply.status = InboxReply.Status.FAILED
            reply.problem = error.reason
            reply.save(update_fields=["status", "problem"])
            return reply
        reply.remote_id = remote_id
        reply.status = InboxReply.Status.SENT
        reply.problem = ""
        reply.save(update_fields=["remote_id", "status", "problem"])
        item.state = State.ANSWERED
        item.answered_at = item.answered_at or timezone.now()
        item.save(update_fields=["state", "answered_at"])
        _record(item, Kind.REPLIED, by=reply.written_by, note=reply.text)
    return reply


# --- incidents and blocks -----------------------------------------------------------
def item_raise_incident(
    *, item: InboxItem, by, category: str, severity: str = Severity.MEDIUM
) -> Incident:
    """Raise an incident with the comment as evidence (I1, I2).

    The words, author, link and time go into the incident, and the words are kept
    as a hashed, private text file of evidence. Never an image the comment carries:
    the indecent-image rule applies, so the inbox stores none.
    """
    if item.incident_id:
        raise InboxRefused(_("An incident was already raised for this comment."))
    if category not in IncidentCategory.values:
        raise InboxRefused(_("Choose what kind of incident it is."))
    with transaction.atomic():
        incident = incident_report(
            reported_by=by,
            occurred_at=item.received_at,
            platform=item.account.network,
            url=item.url or "https://invalid.example/",
            content_as_reported=item.text,
            category=category,
            severity=severity,
            account=item.account.name,
            people_involved=_("Commenter: %(name)s") % {"name": item.author_name},
        )
        record = (
            f"Author: {item.author_name} (id {item.author_id})\n"
            f"Time: {item.received_at.isoformat()}\nLink: {item.url}\n\n{item.text}\n"
        ).encode()
        evidence_add(
            incident=incident,
            upload=SimpleUploadedFile("comment.txt", record, "text/plain"),
            description=_("The comment as read from %(account)s (SHA-256 %(hash)s)")
            % {
                "account": item.account.name,
                "hash": hashlib.sha256(record).hexdigest(),
            },
            by=by,
            confirmed_no_indecent_images=True,
        )
        item.incident = incident
        item.state = State.ESCALATED
        item.save(update_fields=["incident", "state"])
        _record(item, Kind.ESCALATED, by=by, note=f"Incident {incident.pk}")
    return incident


def block_message_draft(*, item: InboxItem, grounds: str) -> str:
    """The words telling someone why they were blocked (I3), for a manager to edit."""
    label = BlockedAccount.Grounds(grounds).label.lower()
    return _(
        "Hello %(name)s. We have blocked you from %(account)s because of "
        "%(grounds)s in your comment of %(day)s. Our social media policy is on the "
        "school website. If you want to raise a concern, please contact the school "
        "office."
    ) % {
        "name": item.author_name or _("there"),
        "account": item.account.name,
        "grounds": label,
        "day": timezone.localtime(item.received_at).strftime("%-d %B %Y"),
    }


def item_block(
    *,
    item: InboxItem,
    by,
    grounds: str,
    message: str,
    review_on: datetime.date,
) -> BlockedAccount:
    """Record the block with its reason (I3), draft the notice telling them why
    (`block_notices`), and block on the network where it can.

    The register entry is kept even when the network refuses: the log says so, and
    staff block by hand in the network's app.
    """
    if grounds not in BlockedAccount.Grounds.values:
        raise InboxRefused(_("Choose the grounds for the block."))
    if not message.strip():
        raise InboxRefused(_("Write the message that tells them why."))
    blocked = BlockedAccount.objects.create(
        site=item.site,
        platform=item.account.network,
        handle=item.author_name or item.author_id,
        grounds=grounds,
        message_sent=message.strip(),
        decided_by=by,
        review_on=review_on,
        incident=item.incident,
    )
    reader, problem = None, ""
    try:
        reader = account_reader(item.account)
    except NetworkError as error:
        problem = error.reason  # not connected: the notice is sent by hand
    # Told first, while the network still lets the school message them.
    block_notice_draft(
        item=item, blocked=blocked, text=message.strip(), reader=reader, by=by
    )
    if reader is not None:
        try:
            reader.block(author_id=item.author_id)
        except NetworkError as error:
            problem = error.reason
    note = _("Recorded in the blocked accounts register.") + " "
    if problem:
        note += _("Not blocked on the network: %(reason)s") % {"reason": problem}
    else:
        note += _("Blocked on the network.")
    _record(item, Kind.BLOCKED, by=by, note=note)
    return blocked
