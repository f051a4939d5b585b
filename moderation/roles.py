"""The staff roles, as Wagtail groups. Every permission check names one of these."""

EDITORS = "Editors"
APPROVERS = "Approvers"
SENIOR_LEADERSHIP = "Senior leadership"
SAFEGUARDING = "Safeguarding"  # the designated safeguarding lead and consent officer

ALL_ROLES = (EDITORS, APPROVERS, SENIOR_LEADERSHIP, SAFEGUARDING)
