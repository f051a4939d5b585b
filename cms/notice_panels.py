"""The notice form's words about closures: what happens by itself, said in the form.

A school closure (or urgent notice) is pinned, ends by itself at the end of the
school day and goes to every social account the school runs without anyone adding
posts (``publishing.services.closures``). The form says so in plain words, and its
social media panel, on a closure, offers posts only for different words, instead of
suggesting that each account must be added by hand.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import InlinePanel

#: What the kind field says about the two kinds that show first.
KIND_HELP = _(
    "A school closure or an urgent notice is shown first on every page of the "
    "website, is checked by a senior leader too, ends by itself at the end of the "
    "school day unless you give an end, and goes to every school social media "
    "account by itself."
)

#: What the end field says (a closure's end may be left empty).
ENDS_HELP = _(
    "For a school closure or an urgent notice you can leave this empty: it ends "
    "by itself at the end of the school day."
)

POSTS_HELP = _(
    "Sent when the page is approved; the link to this page is added. A school "
    "closure or an urgent notice goes to every account by itself."
)

CLOSURE_POSTS_HELP = _(
    "This notice goes to every school social media account by itself, with its "
    "title, message and the link to it: you do not need to add anything here. "
    "Add a post only to use your own words for one account."
)


class SocialPostsPanel(InlinePanel):
    """The posts for each account ("social_posts", named by relation only).

    On a notice that goes everywhere by itself, the panel says so and its button
    offers "your own words for one account" rather than "Post to an account".
    """

    class BoundPanel(InlinePanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if getattr(self.instance, "shows_first", False):
                self.help_text = CLOSURE_POSTS_HELP
                self.label = _("your own words for one account")


#: What the kind field of a trust notice says.
TRUST_KIND_HELP = _(
    "Shown first on every page of each school's website you choose, above the "
    "school's own notices, and sent to each school's social media accounts, once "
    "a senior leader of the trust approves it. It ends by itself at the end of the "
    "school day unless you give an end; unpublish it to reopen every school."
)
