"""The consent actions recorded in Wagtail's audit log (registered in wagtail_hooks)."""

PUBLISH_REFUSED = "moderation.consent.publish_refused"
WITHDRAWN = "moderation.consent.withdrawn"
UNSCHEDULED = "moderation.consent.unscheduled"
LOOSENED = "moderation.consent.loosened"
MATCHED = "moderation.consent.matched"
