"""The staff roles, as Wagtail groups. Every permission check names one of these."""

EDITORS = "Editors"
APPROVERS = "Approvers"
SENIOR_LEADERSHIP = "Senior leadership"
SAFEGUARDING = "Safeguarding"  # the designated safeguarding lead and consent officer
HEADTEACHER = "Headteacher"  # sees safeguarding incidents with the DSL

ALL_ROLES = (EDITORS, APPROVERS, SENIOR_LEADERSHIP, SAFEGUARDING, HEADTEACHER)
