"""The staff roles, as Wagtail groups. Every permission check names one of these.

Roles are the trust's, not one school's: the same groups serve every site (the one
deliberate exception to "everything belongs to a school", ARCHITECTURE.md).
"""

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

#: Roles whose membership opens safeguarding information (incidents, the consent
#: register's restricted list) or approves publication: joining or leaving one is a
#: sensitive change (audited by name, a fresh code, the DSL and head told at once,
#: and never granted to oneself without a second person). Incident access and
#: approval go by these names, so the groups themselves cannot be renamed or deleted.
SENSITIVE_ROLES = (HEADTEACHER, SAFEGUARDING, SENIOR_LEADERSHIP, APPROVERS)

#: Who confirms someone's request to join a sensitive role, and is told of every
#: change: the designated safeguarding lead and the headteacher.
ROLE_GUARDIANS = (SAFEGUARDING, HEADTEACHER)

#: Models whose permissions open safeguarding information: the consent register (who
#: may not be photographed, and why). Only the sensitive roles may hold them, so that
#: reaching that information always means joining one of those roles.
SAFEGUARDING_MODELS = ("moderation.learner", "moderation.consentrecord")
