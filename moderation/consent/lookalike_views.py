"""The consent register's "Look-alike pictures" screen (``lookalikes.py``).

A plain list with two buttons per picture, each a form posting to the server: it works
without JavaScript. Only the Safeguarding group (and superusers) may answer.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from moderation.models import MediaMatch

from .lookalikes import lookalike_confirm, lookalike_dismiss, lookalikes_pending

SAME, DIFFERENT = "same", "different"


class LookalikesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/consent/lookalikes.html"
    page_title = "Look-alike pictures"
    header_icon = "image"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("moderation.add_learner"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "lookalikes": lookalikes_pending(),
            "same": SAME,
            "different": DIFFERENT,
        }

    def post(self, request, *args, **kwargs):
        raw = request.POST.get("match", "").strip()
        match = get_object_or_404(  # answered already, or forged: a 404, not a 500
            MediaMatch,
            pk=int(raw) if raw.isdigit() else 0,
            how=MediaMatch.How.LOOKS_LIKE,
            reviewed_at__isnull=True,
        )
        answer = request.POST.get("answer")
        if answer == SAME:
            lookalike_confirm(match=match, user=request.user)
            messages.success(
                request,
                f"Treated as a copy of “{match.matched_title}”: it has the same "
                "learners and is withdrawn from the website and social media.",
            )
        elif answer == DIFFERENT:
            lookalike_dismiss(match=match, user=request.user)
            messages.success(
                request,
                f"Noted: it is a different picture from “{match.matched_title}”.",
            )
        else:
            messages.error(
                request, "Choose “The same picture” or “A different picture”."
            )
        return redirect("learners:lookalikes")
