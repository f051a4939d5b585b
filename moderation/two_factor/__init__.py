"""Staff two-factor sign-in (P4): enrolment, the admin gate, step-up and recovery.

A Django sub-app of ``moderation`` (label ``two_factor``) so that its one model and
migration stay apart from the rest of moderation's.
"""
