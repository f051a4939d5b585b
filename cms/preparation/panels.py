"""Dashboard panel: the approved pages being prepared for the website, and how far.

Shown to the approver and the author of each; a plain refresh updates it.
"""

from wagtail.admin.ui.components import Component

from ..admin_views import current_school
from .selectors import preparations_for_dashboard


class PreparationPanel(Component):
    name = "cms_page_preparation"
    order = 15
    template_name = "cms/preparation/panel.html"

    def __init__(self, request, preparations):
        self.request = request
        self.preparations = preparations

    @classmethod
    def for_request(cls, request):
        """The panel, or None when the user has nothing being prepared."""
        site = current_school(request)
        if site is None:
            return None
        preparations = preparations_for_dashboard(user=request.user, site=site)
        return cls(request, preparations) if preparations else None

    def get_context_data(self, parent_context=None):
        return {
            "preparations": self.preparations,
            "any_preparing": any(p.is_preparing for p in self.preparations),
            "request": self.request,
        }
