"""The "Urgent closure" shortcut: the notice form, already a school closure.

The server sets what the form means: the notice is a school closure (shown first,
approved by senior leadership too, sent to every account) whether or not the
browser runs scripts. A form that said "General" until a script changed it would,
without the script, skip the senior-leadership step.
"""

from __future__ import annotations

from wagtail.admin.views.pages.create import CreateView

from cms.models import NoticePage


class NewClosureView(CreateView):
    """Wagtail's add-page form for a notice, with the kind and the pin chosen.

    The form posts to Wagtail's own add-page address, so saving, submitting and
    every check are exactly those of any other notice.
    """

    page_title = "New school closure"

    def dispatch(self, request, parent_page_id: int):
        return super().dispatch(request, "cms", "noticepage", parent_page_id)

    def get(self, request):
        self.page.kind = NoticePage.Kind.CLOSURE
        self.page.pinned = True
        return super().get(request)
