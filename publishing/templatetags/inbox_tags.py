"""Template filters for the social inbox."""

import datetime

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_words(value: datetime.timedelta) -> str:
    """A response time as staff say it: "3 h 20 min", "2 days 4 h", "15 min"."""
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
