"""Who holds a safeguarding or approval role, and how that changes (issue 21).

Joining or leaving a sensitive role (``moderation.roles.SENSITIVE_ROLES``, any group
an approval step names, and superuser status, which also approves) is audited by
name, needs a fresh one-time code, tells the DSL and the headteacher at once, and is
never granted to oneself without a second person. Every admin path that changes it
goes through ``services``: Wagtail's user create and edit forms, the "Assign role"
bulk action, and requests confirmed here; group renames and deletions of those roles
are refused, and Django's own admin does not offer users or groups.
"""
