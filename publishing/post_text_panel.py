"""The social post's text field, with a bilingual post counted whole under it.

For a bilingual school the editor sees, under each post's text, the server's count
of the post as it will go (both languages, the blank line, the link) against the
network's limit, from ``publishing.validation.bilingual_fit``: when the page opens
and after each save, with or without JavaScript. The editor's script
(``social_post_counter.js``) estimates the same count as one types, from the other
language's text and the link's weight given here.
"""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel


class PostTextPanel(FieldPanel):
    class BoundPanel(FieldPanel.BoundPanel):
        template_name = "publishing/panels/post_text.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # Imported here: validation reads the adapters, which read the models.
            from publishing.validation import bilingual_fit

            post = self.instance
            page = getattr(post, "page", None) if post.page_id else None
            self.bilingual_fit = bilingual_fit(post=post, page=page)
