"""The rich text editor, labelled by its field's label for screen readers.

Wagtail's rich text editor (Draftail) draws its own editable area beside a hidden
input; the field's ``<label>`` points at the hidden input, so the box a person types
in had no accessible name (axe: "form elements must have labels"), on the closure
notice's message and every other rich text field of a page form. Draftail takes
``ariaLabelledBy``: this widget gives it the id of the label Wagtail draws for the
field (``<input id>-label``).
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea


class LabelledDraftailRichTextArea(DraftailRichTextArea):
    """Draftail whose editable area is named by the field's own label."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id")
        if field_id:
            options = {**self.options, "ariaLabelledBy": f"{field_id}-label"}
            context["widget"]["attrs"]["data-w-init-detail-value"] = json.dumps(
                options, cls=DjangoJSONEncoder
            )
        return context
