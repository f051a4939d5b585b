"""The blocked accounts register in the admin (I3): senior leadership, the DSL and
the head keep it; Wagtail logs every addition and change in the audit log."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from moderation.models import BlockedAccount
from schools.viewsets import SchoolScopedViewSetMixin


class BlockedAccountCreateView(CreateView):
    def get_initial(self):
        return {**super().get_initial(), "decided_by": self.request.user.pk}


class BlockedAccountEditView(EditView):
    """A review changes the review date or lifts the block; what was decided and the
    exact words sent stay as recorded (I3), so they cannot be rewritten later."""

    AS_RECORDED = (
        "platform",
        "handle",
        "grounds",
        "grounds_detail",
        "message_sent",
        "decided_by",
        "decided_at",
    )

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        for name in self.AS_RECORDED:
            if name in form.fields:
                form.fields[name].disabled = True
        return form


class BlockedAccountViewSet(SchoolScopedViewSetMixin, ModelViewSet):
    model = BlockedAccount
    icon = "cross"
    menu_label = "Blocked accounts"
    url_prefix = "incidents/blocked-accounts"
    name = "blocked_accounts"
    add_to_admin_menu = False
    add_view_class = BlockedAccountCreateView
    edit_view_class = BlockedAccountEditView
    inspect_view_enabled = True
    list_display = [
        "handle",
        "platform",
        "grounds",
        "decided_at",
        "review_on",
        "unblocked_at",
    ]
    list_filter = ["platform", "grounds"]
    search_fields = ["handle"]
    panels = [
        FieldRowPanel([FieldPanel("platform"), FieldPanel("handle")]),
        MultiFieldPanel(
            [
                FieldPanel("grounds"),
                FieldPanel("grounds_detail"),
                FieldPanel("message_sent"),
            ],
            heading="Why, and what they were told",
        ),
        FieldRowPanel([FieldPanel("decided_by"), FieldPanel("decided_at")]),
        FieldRowPanel([FieldPanel("review_on"), FieldPanel("unblocked_at")]),
        FieldPanel("incident"),
    ]
