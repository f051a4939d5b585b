"""The review screen: the page and every social post it carries, then the decision.

Approving here approves exactly what is published: the page revision shown and the
per-account posts listed with it (P1, P2). Approving needs a fresh one-time code (P4);
the code box sits on this screen, so an approver types it and approves in one step
(a reviewer whose code is still fresh needs none).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from wagtail import hooks
from wagtail.models import TaskState
from wagtail.utils.decorators import xframe_options_sameorigin_override

from moderation.models import ApprovalTaskState
from moderation.two_factor import audit as two_factor_audit
from moderation.two_factor.forms import OneTimeCodeForm
from moderation.two_factor.services import second_factor_accept
from moderation.workflow import (
    outcomes,
    review,
    rules,
    services,
    social_posts,
    step_up,
)

#: Hook ``fn(page=...)`` returning HTML for the review screen: what approving also
#: sends by another way out (the alerts app: the email each family will get).
REVIEW_SECTIONS_HOOK = "review_screen_sections"


class ApproveForm(forms.Form):
    """The approval; its ids differ from the request-changes form's on one screen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)

    revision_id = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Comment for the author (optional)",
    )


class RequestChangesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "changes_%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What needs to change",
        help_text="The author receives this by email.",
    )


class TaskStateMixin:
    """Loads the approval step named in the URL, its page and the revision in it."""

    def setup(self, request, *args, task_state_id: int, **kwargs):
        super().setup(request, *args, **kwargs)
        self.task_state = get_object_or_404(
            ApprovalTaskState.objects.select_related("workflow_state", "task"),
            pk=task_state_id,
        )
        self.task = self.task_state.task.specific
        self.page = self.task_state.workflow_state.content_object.specific
        self.revision = self.task_state.revision

    def may_decide(self) -> bool:
        return (
            self.task_state.status == TaskState.STATUS_IN_PROGRESS
            and self.task.user_may_decide(self.page, self.request.user)
        )

    def may_preview(self) -> bool:
        """Reviewers of the step, the submitter, and staff who may edit the page."""
        user = self.request.user
        return (
            self.task.user_may_decide(self.page, user)
            or self.task_state.workflow_state.requested_by_id == user.pk
            or self.page.permissions_for_user(user).can_edit()
        )


@method_decorator(xframe_options_sameorigin_override, name="get")
class ReviewPreviewView(TaskStateMixin, View):
    """The revision under review, drawn as the public page, for the screen's frame.

    The one admin response that may be framed, and only by this site (SAMEORIGIN; in
    production the Content-Security-Policy's ``frame-ancestors 'self'`` agrees), in
    every settings module: the rest of the admin keeps ``DENY``.
    """

    def get(self, request, *args, **kwargs):
        if not self.may_preview():
            raise PermissionDenied
        revision_page = self.revision.as_object()
        return revision_page.make_preview_request(
            request,
            revision_page.default_preview_mode,
            extra_request_attrs={"revision_id": self.revision.pk},
        )


class ReviewView(TaskStateMixin, View):
    """GET: what will be published; POST ``action=approve|reject``: the decision."""

    template_name = "moderation/workflow/review.html"

    def review_url(self) -> str:
        return reverse("moderation_workflow:review", args=(self.task_state.pk,))

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "approve":
            return self.approve()
        if action == "reject":
            return self.request_changes()
        messages.error(request, "Choose Approve or Request changes.")
        return redirect(self.review_url())

    def code_form(self, data=None) -> OneTimeCodeForm:
        form = OneTimeCodeForm(self.request.user, self.request, data=data)
        form.fields["otp_token"].widget.attrs.pop("autofocus", None)
        form.fields["otp_token"].label = "Code from your authenticator app"
        form.fields["otp_token"].widget.attrs["inputmode"] = "numeric"
        return form

    def approve(self):
        form = ApproveForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, "The approval form was incomplete.")
            return redirect(self.review_url())
        evidence = step_up.step_up_evidence(self.request)
        if evidence is None and self.may_decide():
            if not self.request.POST.get("otp_token", "").strip():
                code_form = self.code_form(data={"otp_token": ""})
                code_form.is_valid()
                return self.render(
                    approve_form=form,
                    code_form=code_form,
                    problem=self._code_needed_problem(),
                    status=400,
                )
            code_form = self.code_form(data=self.request.POST)
            if not code_form.is_valid():
                two_factor_audit.two_factor_log(
                    action=two_factor_audit.CODE_FAILED,
                    subject=self.request.user,
                    request=self.request,
                    reason=code_form.failure_reason or "invalid",
                    stage="review",
                )
                return self.render(
                    approve_form=form,
                    code_form=code_form,
                    problem=" ".join(
                        [*code_form.non_field_errors(), *code_form["otp_token"].errors]
                    ),
                    status=400,
                )
            second_factor_accept(
                request=self.request,
                device=code_form.get_user().otp_device,
                action=two_factor_audit.STEP_UP,
            )
            evidence = step_up.step_up_evidence(self.request)
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
        messages.success(
            self.request, outcomes.approval_outcome(task_state=self.task_state)
        )
        return redirect("wagtailadmin_home")

    def _code_needed_problem(self) -> str:
        """Why a code is asked for now, when the approver typed none."""
        if self.request.POST.get("code_was_fresh"):
            seconds = int(settings.OTP_STEP_UP_SECONDS)
            window = (
                f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
            )
            return (
                f"Your code was checked more than {window} ago, so approving needs "
                "a new one."
            )
        return "Approving needs the code your authenticator app shows now."

    def request_changes(self):
        form = RequestChangesForm(self.request.POST)
        if not form.is_valid():
            return self.render(
                changes_form=form,
                problem="Say what needs to change, so the author knows what to do.",
                problem_field=form["comment"].id_for_label,
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
            self.request, outcomes.sent_back_outcome(task_state=self.task_state)
        )
        return redirect("wagtailadmin_home")

    def render(
        self,
        *,
        approve_form=None,
        changes_form=None,
        code_form=None,
        problem: str = "",
        problem_field: str = "",
        status=200,
    ):
        """The screen; ``problem`` is shown first and focused, linking to its field.

        The decision forms sit at the end, under the preview: a refused decision
        says why at the top, where the reloaded screen opens.
        """
        revision_page = self.revision.as_object()
        may_decide = self.may_decide()
        posts = social_posts.social_posts_for_review(revision_page)
        step_up_fresh = step_up.step_up_evidence(self.request) is not None
        context = {
            "task_state": self.task_state,
            "page": self.page,
            "revision": self.revision,
            "revision_page": revision_page,
            "social_posts": posts,
            # Other ways out of the house (email updates) show what approving sends.
            "extra_sections": [
                hook(page=revision_page)
                for hook in hooks.get_hooks(REVIEW_SECTIONS_HOOK)
            ],
            "page_url": _public_url(self.page, revision_page),
            "changes": review.changes_since_live(
                page=self.page, revision_page=revision_page, request=self.request
            ),
            "photos": review.photos_for_review(
                revision_page=revision_page,
                channels=review.review_channels(posts),
                viewer=self.request.user,
            ),
            "may_decide": may_decide,
            "may_preview": self.may_preview(),
            "is_sensitive": rules.is_sensitive(revision_page),
            "publishes": rules.approval_publishes(
                task_state=self.task_state, page=revision_page
            ),
            "step_up_fresh": step_up_fresh,
            "approve_form": approve_form
            or ApproveForm(initial={"revision_id": self.revision.pk}),
            "changes_form": changes_form or RequestChangesForm(),
            "code_form": code_form or self.code_form(),
            "problem": problem,
            "problem_field": problem_field
            or (code_form or self.code_form())["otp_token"].id_for_label,
            "preview_url": reverse(
                "moderation_workflow:review_preview", args=(self.task_state.pk,)
            ),
        }
        return TemplateResponse(
            self.request, self.template_name, context, status=status
        )


def _public_url(page, revision_page) -> str:
    """Where the page will be on the website once approved (for the link cards)."""
    parent = page.get_parent()
    if page.live or parent is None:
        return page.full_url or ""
    base = parent.specific.full_url or ""
    return f"{base.rstrip('/')}/{revision_page.slug}/"
