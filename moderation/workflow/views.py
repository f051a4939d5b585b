"""The review screen: the page and every social post it carries, then the decision.

Approving here approves exactly what is published: the page revision shown and the
per-account posts listed with it (P1, P2). Approving needs a fresh one-time code (P4);
a reviewer without one is sent to enter a code and comes back here.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from wagtail.models import TaskState

from moderation.models import ApprovalTaskState
from moderation.workflow import rules, services, social_posts, step_up


class ApproveForm(forms.Form):
    revision_id = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Comment"
    )


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What needs to change",
        help_text="The author receives this by email.",
    )


class ReviewView(View):
    """GET: what will be published; POST ``action=approve|reject``: the decision."""

    template_name = "moderation/workflow/review.html"

    def setup(self, request, *args, task_state_id: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.task_state = get_object_or_404(
            ApprovalTaskState.objects.select_related("workflow_state", "task"),
            pk=task_state_id,
        )
        self.task = self.task_state.task.specific
        self.page = self.task_state.workflow_state.content_object.specific
        self.revision = self.task_state.revision

    def review_url(self) -> str:
        return reverse("moderation_workflow:review", args=(self.task_state.pk,))

    def may_decide(self) -> bool:
        return (
            self.task_state.status == TaskState.STATUS_IN_PROGRESS
            and self.task.user_may_decide(self.page, self.request.user)
        )

    def get(self, request, *args, **kwargs):
        return self.render(
            approve_form=ApproveForm(initial={"revision_id": self.revision.pk}),
            changes_form=RequestChangesForm(),
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "approve":
            return self.approve()
        if action == "reject":
            return self.request_changes()
        messages.error(request, "Choose Approve or Request changes.")
        return redirect(self.review_url())

    def approve(self):
        form = ApproveForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, "The approval form was incomplete.")
            return redirect(self.review_url())
        evidence = step_up.step_up_evidence(self.request)
        if evidence is None and self.may_decide():
            messages.info(
                self.request,
                "Enter a code from your authenticator app to approve this page.",
            )
            return step_up.redirect_to_step_up(self.request)
        try:
            services.approval_approve(
                task_state_id=self.task_state.pk,
                user=self.request.user,
                comment=form.cleaned_data["comment"],
                step_up=evidence,
                revision_id=form.cleaned_data["revision_id"],
            )
        except services.ApprovalRefused as refusal:
            messages.error(self.request, str(refusal))
            return redirect(self.review_url())
        messages.success(self.request, f"'{self.page.title}' is approved.")
        return redirect("wagtailadmin_home")

    def request_changes(self):
        form = RequestChangesForm(self.request.POST)
        if not form.is_valid():
            return self.render(
                approve_form=ApproveForm(initial={"revision_id": self.revision.pk}),
                changes_form=form,
                status=400,
            )
        try:
            services.approval_reject(
                task_state_id=self.task_state.pk,
                user=self.request.user,
                comment=form.cleaned_data["comment"],
            )
        except services.ApprovalRefused as refusal:
            messages.error(self.request, str(refusal))
            return redirect(self.review_url())
        messages.success(
            self.request, f"'{self.page.title}' was sent back to its author."
        )
        return redirect("wagtailadmin_home")

    def render(self, *, approve_form, changes_form, status=200):
        revision_page = self.revision.as_object()
        may_decide = self.may_decide()
        context = {
            "task_state": self.task_state,
            "page": self.page,
            "revision": self.revision,
            "revision_page": revision_page,
            "social_posts": social_posts.social_posts_for_review(revision_page),
            "may_decide": may_decide,
            "is_sensitive": rules.is_sensitive(revision_page),
            "step_up_fresh": step_up.step_up_evidence(self.request) is not None,
            "approve_form": approve_form,
            "changes_form": changes_form,
            "preview_url": reverse(
                "wagtailadmin_pages:workflow_preview",
                args=(self.page.pk, self.task.pk),
            ),
        }
        return TemplateResponse(
            self.request, self.template_name, context, status=status
        )
