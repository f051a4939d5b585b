"""The staff roles, as Wagtail groups. Every permission check names one of these."""

EDITORS = "Editors"
APPROVERS = "Approvers"
SENIOR_LEADERSHIP = "Senior leadership"
SAFEGUARDING = "Safeguarding"  # the designated safeguarding lead and consent officer
HEADTEACHER = "Headteacher"  # sees safeguarding incidents with the DSL
SCHOOL_OFFICE = "School office"  # keeps the term calendar and monitoring hours

ALL_ROLES = (
    EDITORS,
    APPROVERS,
    SENIOR_LEADERSHIP,
    SAFEGUARDING,
    HEADTEACHER,
    SCHOOL_OFFICE,
)
#: Who keeps the school calendar: term dates and their import, the monitoring hours
#: and the holiday-notice template (each change needs a fresh code and is audited).
CALENDAR_KEEPERS = (HEADTEACHER, SENIOR_LEADERSHIP, SCHOOL_OFFICE)
