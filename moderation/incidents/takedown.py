"""Takedown requests (I4): record one, then take the content down in one action.

Taking down uses the retraction that already exists for unpublishing and withdrawn
consent: the page is unpublished (Wagtail's ``page_unpublished`` makes publishing
delete its social posts), the image is withdrawn like an image whose consent ended
(its files leave public media), and ``content_taken_down`` asks publishing to delete
the posts that carried the image and any post the requester named by its address.
Moderation never imports publishing (ARCHITECTURE.md): the signal is the contract.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timesince
from wagtail.models import Page

from moderation.consent.cascade import media_withdraw
from moderation.consent.services import consent_record
from moderation.models import (
    ConsentUse,
    IncidentCategory,
    IncidentEvent,
    Learner,
    Severity,
    TakedownRequest,
)
from moderation.signals import TakedownRetraction, content_taken_down

from . import audit
from .services import (
    IncidentRefused,
    incident_close,
    incident_record,
    incident_report,
)

logger = logging.getLogger(__name__)


@dataclass
class TakedownResult:
    pages: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    posts: int = 0
    unknown_urls: list[str] = field(default_factory=list)
    consent_recorded: list[str] = field(default_factory=list)


def takedown_request_record(
    *,
    reported_by,
    requester: str,
    requester_name: str,
    received_at: datetime.datetime,
    what_they_asked: str,
    url: str,
    page: Page | None = None,
    image=None,
    social_post_url: str = "",
    shows_learner: bool = False,
    learner: Learner | None = None,
    site=None,
) -> TakedownRequest:
    """Record a request as an incident (category: takedown request) and its details.

    Raises:
        IncidentRefused: the request names no content (page, image or post).
    """
    if page is None and image is None and not social_post_url:
        raise IncidentRefused(
            "Name what should be taken down: a page, an image or a social media post."
        )
    who = TakedownRequest.Requester(requester)
    with transaction.atomic():
        incident = incident_report(
            reported_by=reported_by,
            site=site,
            occurred_at=received_at,
            platform="website" if (page or image) and not social_post_url else "other",
            url=url,
            content_as_reported=what_they_asked,
            people_involved=f"{requester_name} ({who.label.lower()})",
            category=IncidentCategory.TAKEDOWN,
            severity=Severity.HIGH if shows_learner else Severity.MEDIUM,
        )
        return TakedownRequest.objects.create(
            incident=incident,
            requester=requester,
            requester_name=requester_name,
            received_at=received_at,
            page=page,
            image=image,
            social_post_url=social_post_url,
            shows_learner=shows_learner,
            learner=learner,
        )


def takedown_carry_out(
    *,
    takedown: TakedownRequest,
    by,
    step_up_verified_at: datetime.datetime,
    told: str,
    withdraw_consent_uses: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> TakedownResult:
    """Take the named content off the website and the networks, in one action (I4).

    Args:
        takedown: the request.
        by: the approver acting (checked by the caller: Approvers, fresh code).
        step_up_verified_at: when their code was verified (kept with the request).
        told: what the requester is told; with the time, it closes the request.
        withdraw_consent_uses: for a photo of a learner, the uses whose consent the
            parent or carer withdrew (recorded in the consent register, which
            withdraws the learner's other photos too). Needs consent-register rights.

    Raises:
        IncidentRefused: already acted on, or nothing to tell the requester.
    """
    now = now or timezone.now()
    if not told.strip():
        raise IncidentRefused("Write what the requester will be told.")
    result = TakedownResult()
    with transaction.atomic():
        takedown = TakedownRequest.objects.select_for_update().get(pk=takedown.pk)
        if takedown.is_done:
            raise IncidentRefused("This request has already been dealt with.")
        reason = (
            f"Taken down at the request of {takedown.get_requester_display().lower()}."
        )
        page = takedown.page.specific if takedown.page else None
        if page is not None and page.live:
            page.unpublish(user=by)
            result.pages.append(page.title)
        image = takedown.image
        if image is not None and not image.is_withdrawn:
            media_withdraw(item=image, reason=reason, user=by)
            result.images.append(image.title)
        responses = content_taken_down.send(
            sender=TakedownRequest,
            page_ids=[page.pk] if page is not None else [],
            image_ids=[image.pk] if image is not None else [],
            post_urls=[takedown.social_post_url] if takedown.social_post_url else [],
            reason=reason,
        )
        for _receiver, response in responses:
            if isinstance(response, TakedownRetraction):
                result.posts += response.posts
                result.unknown_urls += response.unknown_urls
        if withdraw_consent_uses and takedown.learner is not None:
            for use in withdraw_consent_uses:
                consent_record(
                    learner=takedown.learner,
                    use=use,
                    given=False,
                    given_on=timezone.localdate(now),
                    recorded_by=f"Takedown request {takedown.pk}, recorded by "
                    f"{by.get_full_name() or by.get_username()}",
                    user=by,
                )
                result.consent_recorded.append(ConsentUse(use).label)
        takedown.acted_by = by
        takedown.acted_at = now
        takedown.step_up_verified_at = step_up_verified_at
        takedown.posts_retracted = result.posts
        takedown.outcome = TakedownRequest.Outcome.REMOVED
        takedown.outcome_told = told
        takedown.requester_told_at = now
        takedown.save()
        incident_record(
            incident=takedown.incident,
            kind=IncidentEvent.Kind.TAKEDOWN,
            summary=_summary(result, took=timesince(takedown.received_at, now)),
            by=by,
            action=audit.TAKEN_DOWN,
            at=now,
        )
        _close(takedown, by=by, told=told)
    logger.info(
        "Takedown request %s carried out",
        takedown.pk,
        extra={"event": "incidents.taken_down", "takedown": takedown.pk},
    )
    return result


def takedown_decline(*, takedown: TakedownRequest, by, told: str) -> TakedownRequest:
    """Record that the content stays up and what the requester was told why."""
    if not told.strip():
        raise IncidentRefused("Write what the requester will be told, and why.")
    now = timezone.now()
    with transaction.atomic():
        takedown = TakedownRequest.objects.select_for_update().get(pk=takedown.pk)
        if takedown.is_done:
            raise IncidentRefused("This request has already been dealt with.")
        takedown.acted_by = by
        takedown.acted_at = now
        takedown.outcome = TakedownRequest.Outcome.DECLINED
        takedown.outcome_told = told
        takedown.requester_told_at = now
        takedown.save()
        incident_record(
            incident=takedown.incident,
            kind=IncidentEvent.Kind.TAKEDOWN,
            summary=f"Not taken down, after {timesince(takedown.received_at, now)}.",
            by=by,
            action=audit.TAKEN_DOWN,
            at=now,
        )
        _close(takedown, by=by, told=told)
    return takedown


def _close(takedown: TakedownRequest, *, by, told: str) -> None:
    incident = takedown.incident
    if not incident.is_closed:
        incident_close(incident=incident, by=by, note=f"The requester was told: {told}")


def _summary(result: TakedownResult, *, took: str) -> str:
    parts = []
    if result.pages:
        parts.append("unpublished " + ", ".join(f"“{t}”" for t in result.pages))
    if result.images:
        parts.append("withdrew the image " + ", ".join(f"“{t}”" for t in result.images))
    parts.append(f"asked the networks to delete {result.posts} social post(s)")
    if result.unknown_urls:
        parts.append(
            "found no school post at "
            + ", ".join(result.unknown_urls)
            + " (remove it by hand on the network)"
        )
    if result.consent_recorded:
        parts.append(
            "recorded consent withdrawn for " + ", ".join(result.consent_recorded)
        )
    return f"Taken down after {took}: " + "; ".join(parts) + "."
