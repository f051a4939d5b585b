"""Everything waiting for one person's decision, for the dashboard's "Waiting for me".

Decisions live in several apps: pages to approve (the workflow), takedown requests
and blocks due for review (incidents), social accounts to approve or review
(publishing). Each app registers a function with the ``AWAITING_HOOK`` Wagtail hook,
``fn(user) -> list[AwaitingDecision]``; the panel lists them all, oldest first, so
nothing waits unseen because it belongs to another screen. Moderation never imports
publishing: publishing registers its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from wagtail import hooks

AWAITING_HOOK = "decisions_awaiting"


@dataclass(frozen=True)
class AwaitingDecision:
    """One thing waiting for a decision: what to do, where, since when."""

    action: str  # the link's words: what the person does
    url: str
    detail: str = ""  # who asked, which step, when due
    since: datetime.datetime | None = None


def decisions_awaiting(user) -> list[AwaitingDecision]:
    """Every decision waiting for ``user``, oldest first (undated ones last)."""
    decisions = [
        decision for hook in hooks.get_hooks(AWAITING_HOOK) for decision in hook(user)
    ]
    far_future = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(decisions, key=lambda decision: decision.since or far_future)
