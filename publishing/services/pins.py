"""Pin each account's most important notice while it applies; unpin it after (M1).

Per account, one notice is pinned at a time (a Facebook Page has one pinned post):
an urgent notice or closure before a holiday notice, the newest first. Facebook is
pinned through its API and checked every few minutes, so a pin removed by hand on
Facebook comes back. X and Instagram cannot pin through their APIs, and a network
may refuse (a token without the permission): then the account's managers get a task
on their dashboard and an email with the post's text and link, to pin it by hand
(until the notice ends, when the task closes and the post is deleted).

Deleting the post when the notice ends is the delivery ledger's job (the page
expires, its deliveries are retracted); this module only pins and unpins.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cms.models import NoticePage
from publishing.credentials import CredentialsUnavailable
from publishing.models import Delivery, Pin, SocialAccount
from publishing.networks.base import (
    Network,
    NetworkError,
    RemotePostMissing,
    TransientNetworkError,
    network_class,
)
from publishing.notifications import notify
from publishing.services.accounts import account_adapter

logger = logging.getLogger(__name__)

# How often a pinned post is looked at again on the network.
CHECK_EVERY = datetime.timedelta(minutes=10)
LIVE_PIN = (Pin.Status.PINNED, Pin.Status.PIN_BY_HAND, Pin.Status.PINNED_BY_HAND)


def _adapter(account: SocialAccount) -> Network:
    return account_adapter(account=account)


def _notices_to_pin(now: datetime.datetime) -> dict[int, NoticePage]:
    notices = NoticePage.objects.live().current(now).pinned().by_priority()
    return {notice.pk: notice for notice in notices}


def _rank(notice: NoticePage) -> tuple:
    started = notice.valid_from or notice.first_published_at
    return (0 if notice.shows_first else 1, -(started.timestamp() if started else 0))


def _tell_managers(pin: Pin, *, why: str) -> None:
    delivery = pin.delivery
    account = delivery.account
    network = account.get_network_display()
    notify(
        recipients=[
            *(user.email for user in account.active_managers()),
            account.owner.email,
        ],
        subject=f"Please pin “{delivery.page_title}” on {account.name}",
        body=(
            f"{why}\n\nPlease pin this post to the top of {account.name} on "
            f"{network} until the notice ends, then tick it done on your dashboard:"
            f"\n\n{delivery.remote_url or '(the post is not on ' + network + ' yet)'}"
            f"\n\nIf the post is missing, post this text and pin it:\n\n"
            f"{delivery.text}\n\n{_dashboard_url()}\n"
        ),
    )


def _dashboard_url() -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{reverse('wagtailadmin_home')}"


def _pin_row(delivery: Delivery) -> Pin | None:
    return Pin.objects.filter(delivery=delivery).first()


def _by_hand(delivery: Delivery, *, why: str, now) -> Pin:
    """Open (or re-open) the managers' task to pin the post by hand."""
    pin = _pin_row(delivery)
    if pin is not None and pin.status in (
        Pin.Status.PIN_BY_HAND,
        Pin.Status.PINNED_BY_HAND,
    ):
        return pin
    try:
        with transaction.atomic():
            if pin is None:
                pin = Pin.objects.create(
                    delivery=delivery, status=Pin.Status.PIN_BY_HAND, reason=why
                )
            else:
                pin.status, pin.reason = Pin.Status.PIN_BY_HAND, why
                pin.save(update_fields=["status", "reason"])
    except IntegrityError:
        return _pin_row(delivery)  # another process opened it a moment ago
    _tell_managers(pin, why=why)
    logger.info(
        "Pin by hand asked for delivery %s",
        delivery.pk,
        extra={"event": "publishing.pin_by_hand", "delivery": delivery.pk},
    )
    return pin


def _pin_on_network(delivery: Delivery, *, now, reason: str = "") -> Pin:
    network = delivery.account.get_network_display()
    try:
        _adapter(delivery.account).pin(remote_id=delivery.remote_id)
    except TransientNetworkError as error:
        # Tried again at the next minute's run; nothing to tell anyone yet.
        logger.info(
            "Pin of delivery %s postponed: %s",
            delivery.pk,
            error.reason,
            extra={"event": "publishing.pin_retry", "delivery": delivery.pk},
        )
        return _pin_row(delivery)
    except (NetworkError, CredentialsUnavailable, ImproperlyConfigured) as error:
        words = getattr(error, "reason", str(error))
        return _by_hand(
            delivery, why=f"{network} refused to pin the post: {words}", now=now
        )
    pin, _ = Pin.objects.update_or_create(
        delivery=delivery,
        defaults={
            "status": Pin.Status.PINNED,
            "reason": reason,
            "pinned_at": now,
            "checked_at": now,
        },
    )
    logger.info(
        "Delivery %s pinned",
        delivery.pk,
        extra={"event": "publishing.pinned", "delivery": delivery.pk},
    )
    return pin


def _keep_pinned(delivery: Delivery, *, now) -> str:
    """Make sure ``delivery`` is pinned on its account; say what was done."""
    pin = _pin_row(delivery)
    if not network_class(delivery.account.network).supports_pin:
        if pin is None or pin.status not in LIVE_PIN:
            label = delivery.account.get_network_display()
            _by_hand(
                delivery,
                why=f"{label} does not let other apps pin posts, so a manager must "
                "pin this one by hand.",
                now=now,
            )
            return "asked"
        return ""
    if pin is None or pin.status in (Pin.Status.WAITING, Pin.Status.UNPINNED):
        pin = _pin_on_network(delivery, now=now)
        return "pinned" if pin and pin.status == Pin.Status.PINNED else "asked"
    if pin.status != Pin.Status.PINNED:
        return ""
    if pin.checked_at and now - pin.checked_at < CHECK_EVERY:
        return ""
    try:
        state = _adapter(delivery.account).pinned_state(remote_id=delivery.remote_id)
    except (NetworkError, CredentialsUnavailable) as error:
        logger.info(
            "Could not check the pin of delivery %s: %s",
            delivery.pk,
            error,
            extra={"event": "publishing.pin_check_failed", "delivery": delivery.pk},
        )
        return ""
    if state.pinned:
        Pin.objects.filter(pk=pin.pk).update(checked_at=now)
        return ""
    local = timezone.localtime(now)
    _pin_on_network(
        delivery,
        now=now,
        reason=f"It had been unpinned on "
        f"{delivery.account.get_network_display()}; pinned again at "
        f"{local:%H:%M on %d %B}.",
    )
    return "re-pinned"


def _let_go(pin: Pin, *, now, reason: str) -> str:
    """The notice ended or another one outranks it: unpin it."""
    delivery = pin.delivery
    if pin.status == Pin.Status.PINNED and delivery.remote_id:
        try:
            _adapter(delivery.account).unpin(remote_id=delivery.remote_id)
        except RemotePostMissing:
            pass  # already deleted from the network: nothing left pinned
        except TransientNetworkError:
            return ""  # tried again at the next run
        except (NetworkError, CredentialsUnavailable) as error:
            reason = f"{reason} Unpinning was refused ({error}); the post is deleted."
    Pin.objects.filter(pk=pin.pk).update(
        status=Pin.Status.UNPINNED, unpinned_at=now, reason=reason
    )
    return "unpinned"


def pins_sync_account(*, account: SocialAccount, now: datetime.datetime) -> list[str]:
    """Pin the account's top notice in force, unpin what no longer should be."""
    notices = _notices_to_pin(now)
    sent = list(
        Delivery.objects.filter(
            account=account,
            status=Delivery.Status.SENT,
            page_id__in=notices,
        )
        .exclude(remote_id="")
        .select_related("account")
    )
    top = min(sent, key=lambda d: _rank(notices[d.page_id]), default=None)
    done = []
    if top is not None:
        done.append(_keep_pinned(top, now=now))
    for pin in Pin.objects.filter(
        delivery__account=account, status__in=[*LIVE_PIN, Pin.Status.WAITING]
    ).select_related("delivery", "delivery__account"):
        if top is not None and pin.delivery_id == top.pk:
            continue
        if pin.delivery in sent:
            if pin.status == Pin.Status.PINNED:
                # Facebook unpinned it when the more urgent notice was pinned.
                Pin.objects.filter(pk=pin.pk).update(
                    status=Pin.Status.WAITING,
                    reason="A more urgent notice is pinned in its place.",
                )
            continue
        done.append(_let_go(pin, now=now, reason="The notice has ended."))
    return [word for word in done if word]


def pins_sync(*, now: datetime.datetime) -> str:
    """Every minute: each account's pin matches the notices in force at ``now``."""
    counts: dict[str, int] = defaultdict(int)
    account_ids = set(
        Pin.objects.filter(status__in=[*LIVE_PIN, Pin.Status.WAITING]).values_list(
            "delivery__account", flat=True
        )
    ) | set(
        Delivery.objects.filter(
            status=Delivery.Status.SENT, page_id__in=_notices_to_pin(now)
        ).values_list("account", flat=True)
    )
    accounts = SocialAccount.objects.filter(pk__in=account_ids)
    for account in accounts:
        for word in pins_sync_account(account=account, now=now):
            counts[word] += 1
    if not counts:
        return "Nothing to pin or unpin."
    return ", ".join(f"{n} {word}" for word, n in sorted(counts.items())) + "."


def pin_after_send(*, delivery: Delivery) -> None:
    """Right after a notice's post is sent: pin it now, not at the next minute."""
    if delivery.status != Delivery.Status.SENT or delivery.page_id is None:
        return
    now = timezone.now()
    notices = NoticePage.objects.live().current(now).pinned()
    if notices.filter(pk=delivery.page_id).exists():
        pins_sync_account(account=delivery.account, now=now)


def pin_mark_done_by_hand(*, pin: Pin, user) -> Pin:
    """A manager pinned the post by hand on the network and says so."""
    Pin.objects.filter(pk=pin.pk, status=Pin.Status.PIN_BY_HAND).update(
        status=Pin.Status.PINNED_BY_HAND, done_by=user, pinned_at=timezone.now()
    )
    pin.refresh_from_db()
    return pin
