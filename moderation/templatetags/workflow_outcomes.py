"""``{% publication_outcome page as text %}``: where an approved page stands now.

For the author's "approved" email, which Wagtail sends once the workflow finishes:
the same sentence the approver read, so nobody is told a scheduled notice is live.
"""

from django import template

from moderation.workflow.outcomes import publication_outcome as outcome_of

register = template.Library()


@register.simple_tag
def publication_outcome(page) -> str:
    return outcome_of(page)
