"""Account governance (A1-A3): propose, decide, connect, hold, suspend, review."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log
from wagtail.models import Site

from moderation.roles import SENIOR_LEADERSHIP
from publishing import selectors
from publishing.credentials import (
    credentials_decrypt,
    credentials_encrypt,
)
from publishing.errors import GovernanceError
from publishing.models import AccessReview, SocialAccount
from publishing.networks.base import Network, network_class
from publishing.notifications import notify, senior_leadership_emails
from schools.services import school_name

logger = logging.getLogger(__name__)

MIN_MANAGERS = 2


def is_senior_leader(user) -> bool:
    """Senior leadership decides accounts and reviews who manages them (A1, A3)."""
    return user.is_active and user.groups.filter(name=SENIOR_LEADERSHIP).exists()


def is_senior_leader_of(user, site: Site | int) -> bool:
    """Whether ``user`` is in the senior leadership of the school ``site``.

    A senior leader decides for the schools they lead only: leading another school
    of the trust, or teaching at this one, gives no say over this school's accounts.
    """
    site_id = getattr(site, "pk", site)
    return (
        is_senior_leader(user)
        and user.school_memberships.filter(
            site_id=site_id, role=SENIOR_LEADERSHIP
        ).exists()
    )


def _require_senior_leader_of(user, account: SocialAccount) -> None:
    if not is_senior_leader_of(user, account.site_id):
        raise GovernanceError(
            gettext(
                "Only senior leadership of %(school)s can decide on or review this "
                "social account."
            )
            % {"school": school_name(account.site)}
        )


def _admin_url(account: SocialAccount) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL}/admin/publishing/accounts/{account.pk}/"


def account_propose(*, site: Site, proposed_by, managers, **fields) -> SocialAccount:
    """Record a proposed account with its business case (A1) and managers.

    Args:
        site: the school whose account it is (never assumed: every school has its own).
        proposed_by: the member of staff proposing it; they cannot approve it.
        managers: at least two active members of staff.
        **fields: the SocialAccount fields (name, network, business case, owner...).
    """
    active = [user for user in managers if user.is_active]
    if len(active) < MIN_MANAGERS:
        raise GovernanceError(
            "An account needs at least two active members of staff as managers."
        )
    with transaction.atomic():
        account = SocialAccount.objects.create(
            site=site, proposed_by=proposed_by, **fields
        )
        account.managers.set(active)
        log(account, "publishing.account.proposed", user=proposed_by)
    return account


def account_business_case_changed(
    *, account: SocialAccount, changed_fields: list[str], by
) -> bool:
    """Send a decided account back to senior leadership after its case changed (A1).

    Senior leadership approved the business case as it stood: whether the account
    is open or closed (the consent rule for pictures of learners depends on it, C4),
    its network, its owner and managers, where it is used from. Any change to those
    makes it a new proposal by the person who changed it, so another senior leader
    must approve it again before anything is posted (P1: no one approves their own
    change). Nothing is sent to a proposed account meanwhile.

    Returns:
        True when the account went back to proposed.
    """
    if not changed_fields or account.status not in (
        SocialAccount.Status.APPROVED,
        SocialAccount.Status.SUSPENDED,
        SocialAccount.Status.REJECTED,
    ):
        return False
    with transaction.atomic():
        account.status = SocialAccount.Status.PROPOSED
        account.proposed_by = by
        account.proposed_at = timezone.now()
        account.decided_by = None
        account.decided_at = None
        account.decision_note = ""
        account.save(
            update_fields=[
                "status",
                "proposed_by",
                "proposed_at",
                "decided_by",
                "decided_at",
                "decision_note",
            ]
        )
        log(
            account,
            "publishing.account.resubmitted",
            user=by,
            data={"changed": sorted(changed_fields)},
        )
    notify(
        recipients=senior_leadership_emails(site=account.site),
        subject=f"Social account changed, approve it again: {account.name}",
        body=(
            f"{by.get_full_name() or by.get_username()} changed {account} "
            f"({', '.join(sorted(changed_fields))}). Nothing is posted to it until "
            f"another senior leader approves it again.\n\n{_admin_url(account)}\n"
        ),
    )
    return True


def account_approve(*, account: SocialAccount, by, note: str = "") -> SocialAccount:
    """Senior leadership approves (or reinstates) an account (A1, A2).

    Raises:
        GovernanceError: ``by`` is not in senior leadership, proposed the account
            themselves, or the account has fewer than two active managers.
    """
    _require_senior_leader_of(by, account)
    if by.pk == account.proposed_by_id:
        raise GovernanceError(
            "You proposed this account, so another senior leader must approve it."
        )
    if account.status not in (
        SocialAccount.Status.PROPOSED,
        SocialAccount.Status.SUSPENDED,
    ):
        raise GovernanceError(
            f"The account is {account.get_status_display().lower()}; "
            "only a proposed or suspended account can be approved."
        )
    if account.active_managers().count() < MIN_MANAGERS:
        raise GovernanceError(
            "Add a second active manager before approving: every account needs two."
        )
    with transaction.atomic():
        account.status = SocialAccount.Status.APPROVED
        account.decided_by = by
        account.decided_at = timezone.now()
        account.decision_note = note
        account.suspended_reason = ""
        account.save()
        log(account, "publishing.account.approved", user=by, data={"note": note})
        from publishing.services.deliveries import deliveries_resume_for_account

        deliveries_resume_for_account(account=account)
    return account


def account_reject(*, account: SocialAccount, by, note: str) -> SocialAccount:
    """Senior leadership rejects a proposal, saying why (A1)."""
    _require_senior_leader_of(by, account)
    if by.pk == account.proposed_by_id:
        raise GovernanceError(
            "You proposed this account, so another senior leader must decide on it."
        )
    if account.status != SocialAccount.Status.PROPOSED:
        raise GovernanceError("Only a proposed account can be rejected.")
    if not note.strip():
        raise GovernanceError("Say why the account is rejected.")
    with transaction.atomic():
        account.status = SocialAccount.Status.REJECTED
        account.decided_by = by
        account.decided_at = timezone.now()
        account.decision_note = note
        account.save()
        log(account, "publishing.account.rejected", user=by, data={"note": note})
    return account


def account_check_managers(*, account: SocialAccount) -> SocialAccount:
    """Suspend an approved account left with fewer than two active managers (A2, A3).

    Called when a manager is removed or their user is deactivated (a member of staff
    leaves). Senior leadership is emailed; deliveries are held until reinstatement.
    """
    if account.status != SocialAccount.Status.APPROVED:
        return account
    remaining = list(account.active_managers())
    if len(remaining) >= MIN_MANAGERS:
        return account
    names = ", ".join(user.get_full_name() or user.username for user in remaining)
    reason = (
        f"Only {len(remaining)} active manager(s) remain ({names or 'none'}); "
        "every account needs two. Add a manager, then approve it again."
    )
    with transaction.atomic():
        account.status = SocialAccount.Status.SUSPENDED
        account.suspended_reason = reason
        account.save(update_fields=["status", "suspended_reason"])
        log(account, "publishing.account.suspended", data={"reason": reason})
    logger.warning(
        "Social account %s suspended: too few managers",
        account.pk,
        extra={"event": "publishing.account_suspended", "account": account.pk},
    )
    notify(
        recipients=senior_leadership_emails(site=account.site),
        subject=f"Social account suspended: {account.name}",
        body=(
            f"{account} has been suspended and nothing will be posted to it.\n\n"
            f"{reason}\n\n{_admin_url(account)}\n"
        ),
    )
    return account


def accounts_check_managers_of(*, user) -> None:
    """Re-check every account ``user`` manages (after they were deactivated)."""
    for account in SocialAccount.objects.filter(managers=user).approved():
        account_check_managers(account=account)


def account_credentials_store(
    *, account: SocialAccount, credentials: dict[str, str], by, handle: str = ""
) -> SocialAccount:
    """Encrypt and keep an account's credentials; they are never shown again (A3).

    Only an approved account with two active managers can be connected. Held
    deliveries resume once the account is connected again.
    """
    problem = selectors.account_governance_problem(account=account)
    if problem:
        raise GovernanceError(problem)
    encrypted = credentials_encrypt(credentials=credentials)
    with transaction.atomic():
        account.credentials_encrypted = encrypted
        account.connection = SocialAccount.Connection.CONNECTED
        account.connection_problem = ""
        account.connected_at = timezone.now()
        account.connected_by = by
        if handle:
            account.handle = handle
        account.save()
        log(account, "publishing.account.connected", user=by)
        from publishing.services.deliveries import deliveries_resume_for_account

        deliveries_resume_for_account(account=account)
    return account


def account_credentials_renew(*, credentials: dict[str, str], account_id: int) -> None:
    """Keep credentials the network renewed by itself (a refreshed Bluesky session).

    Only the encrypted credentials change: the account stays as connected as it was,
    and nobody is recorded as having connected it.
    """
    SocialAccount.objects.filter(pk=account_id).update(
        credentials_encrypted=credentials_encrypt(credentials=credentials)
    )


def account_adapter(*, account: SocialAccount) -> Network:
    """The account's network adapter, at the configured API, keeping renewed sessions.

    A session the adapter renews by itself (Bluesky) is stored at once, so the next
    send does not sign in again (signing in is rate-limited).
    """
    adapter = network_class(account.network)(
        credentials=account_credentials(account=account),
        base_url=None,  # the configured API (an emulator in development and tests)
    )
    adapter.on_credentials_change = lambda credentials: account_credentials_renew(
        credentials=credentials, account_id=account.pk
    )
    return adapter


def account_credentials(*, account: SocialAccount) -> dict[str, str]:
    """The decrypted credentials, or CredentialsUnavailable saying what to do."""
    return credentials_decrypt(token=account.credentials_encrypted)


def account_hold(*, account: SocialAccount, reason: str) -> SocialAccount:
    """Mark an account 'reconnect needed' and tell its managers (A3).

    Used when the network says the token expired or was revoked, and when the stored
    credentials cannot be read. Its deliveries wait (held) until it is reconnected.
    """
    already = account.connection == SocialAccount.Connection.RECONNECT_NEEDED
    account.connection = SocialAccount.Connection.RECONNECT_NEEDED
    account.connection_problem = reason
    account.save(update_fields=["connection", "connection_problem"])
    if already:
        return account
    log(account, "publishing.account.reconnect_needed", data={"reason": reason})
    logger.warning(
        "Social account %s needs reconnecting",
        account.pk,
        extra={"event": "publishing.account_reconnect_needed", "account": account.pk},
    )
    recipients = [user.email for user in account.active_managers()]
    recipients.append(account.owner.email)
    notify(
        recipients=recipients,
        subject=f"Reconnect the social account {account.name}",
        body=(
            f"Posts to {account} are on hold: {reason}\n\n"
            f"Sign in and press Connect on the account: {_admin_url(account)}\n"
            "Held posts are sent as soon as it is connected again.\n"
        ),
    )
    return account


def account_review_record(
    *, account: SocialAccount, by, note: str = "", at: datetime | None = None
) -> AccessReview:
    """Record senior leadership's termly review of who manages an account (A3)."""
    _require_senior_leader_of(by, account)
    at = at or timezone.now()
    managers = ", ".join(
        f"{user.get_full_name() or user.username}"
        f"{'' if user.is_active else ' (inactive)'}"
        for user in account.managers.order_by("username")
    )
    with transaction.atomic():
        review = AccessReview.objects.create(
            account=account,
            reviewed_by=by,
            reviewed_at=at,
            managers_seen=managers,
            note=note,
        )
        account.last_reviewed_at = at
        account.save(update_fields=["last_reviewed_at"])
        log(account, "publishing.account.reviewed", user=by, data={"note": note})
    return review


def account_reviews_remind(*, today: date) -> list[SocialAccount]:
    """Email senior leadership about each account whose termly review is due (A3).

    Each school's accounts follow its own term calendar and go to its own senior
    leadership; each account is reminded once per term (``review_reminder_sent_on``).
    """
    reminded = []
    schools = Site.objects.filter(pk__in=SocialAccount.objects.values("site"))
    for site in schools.order_by("site_name", "hostname"):
        term_start = selectors.current_term_start(site=site, today=today)
        for account in selectors.accounts_due_review(site=site, today=today):
            sent_on = account.review_reminder_sent_on
            if sent_on and sent_on >= term_start:
                continue
            notify(
                recipients=[*senior_leadership_emails(site=site), account.owner.email],
                subject=f"Termly access review due: {account.name}",
                body=(
                    f"Please review who manages {account} and record the review "
                    f"(admin roles are reviewed regularly).\n\n{_admin_url(account)}\n"
                ),
            )
            account.review_reminder_sent_on = today
            account.save(update_fields=["review_reminder_sent_on"])
            reminded.append(account)
    return reminded
