"""Incident actions recorded in Wagtail's audit log (registered in wagtail_hooks).

Every view, export and change of an incident is logged against the incident, whose
title in the log is only its number; the details go in the entry's data (I1, P4).
"""

PREFIX = "incidents."
REPORTED = "incidents.reported"
VIEWED = "incidents.viewed"
ACCESS_REFUSED = "incidents.access_refused"
CHANGED = "incidents.changed"
EVIDENCE_ADDED = "incidents.evidence_added"
EVIDENCE_OPENED = "incidents.evidence_opened"
EXPORT_STARTED = "incidents.export_started"
EXPORTED = "incidents.exported"
EXPORT_INTERRUPTED = "incidents.export_interrupted"
TAKEN_DOWN = "incidents.taken_down"
DELETED = "incidents.deleted"
BLOCK_REVIEW_REMINDED = "incidents.block_review_reminded"

ACTIONS: dict[str, tuple[str, str]] = {
    REPORTED: ("Incident reported", "Reported an incident"),
    VIEWED: ("Incident viewed", "Opened the incident record"),
    ACCESS_REFUSED: ("Incident access refused", "Tried to open an incident: refused"),
    CHANGED: ("Incident changed", "Changed the incident"),
    EVIDENCE_ADDED: ("Evidence added", "Added evidence to the incident"),
    EVIDENCE_OPENED: ("Evidence opened", "Opened an evidence file"),
    EXPORT_STARTED: ("Export started", "Started downloading the evidence export"),
    EXPORTED: ("Evidence exported", "Exported the evidence and timeline"),
    EXPORT_INTERRUPTED: ("Export interrupted", "An evidence export did not finish"),
    TAKEN_DOWN: ("Taken down", "Took content down after a request"),
    DELETED: ("Incident deleted", "Deleted when its retention period ended"),
    BLOCK_REVIEW_REMINDED: ("Block review reminder", "Reminded to review a block"),
}
