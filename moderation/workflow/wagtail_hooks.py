"""Wagtail admin wiring for two-person moderation; imported by moderation/wagtail_hooks.

Registered here: the review screen's URLs, the editor's action menu (no "Publish";
"Submit for approval" is the main button; "Review and approve" opens the review
screen), the guards on every direct publish, the
workflow restart when a page is edited while awaiting approval, and the dashboard panel.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem, SubmitForModerationMenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

from moderation.awaiting import AWAITING_HOOK
from moderation.models import ApprovalTask, ConsentCheckTask
from moderation.workflow import guards, outcomes, panels, urls
from moderation.workflow.scheduled_go_live import GO_LIVE_HELD
from moderation.workflow.services import workflow_restart_if_edited


class ReviewMenuItem(ActionMenuItem):
    """A link to the review screen in place of Wagtail's in-editor approve button."""

    label = "Review and approve"
    name = "moderation-review"
    icon_name = "tasks"

    def __init__(self, url: str):
        super().__init__()
        self.url = url

    def get_url(self, parent_context):
        return self.url


class SubmitForApprovalMenuItem(SubmitForModerationMenuItem):
    """Wagtail's submit button, named for what it does, as the editor's main button."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        workflow_state = page.current_workflow_state if page else None
        needs_changes = (
            workflow_state is not None
            and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
        )
        context["label"] = (
            "Resubmit for approval" if needs_changes else "Submit for approval"
        )
        return context


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("moderation/", include(urls, namespace="moderation_workflow"))]


@hooks.register("construct_page_action_menu")
def route_approval_through_review(menu_items, request, context):
    page = context.get("page")
    task_state = page.current_workflow_task_state if page else None
    for index, item in reversed(list(enumerate(menu_items))):
        if item.name == "action-publish":
            del menu_items[index]
        elif item.name == ApprovalTask.REVIEW_ACTION and task_state is not None:
            menu_items[index] = ReviewMenuItem(
                reverse("moderation_workflow:review", args=(task_state.pk,))
            )


@hooks.register("construct_page_action_menu")
def submit_for_approval_first(menu_items, request, context):
    """The editor's one big button is "Submit for approval"; "Save draft" is beside it.

    Wagtail makes the first item the main button and hides the rest under an arrow.
    """
    for index, item in enumerate(menu_items):
        if item.name == "action-submit":
            submit = SubmitForApprovalMenuItem(order=item.order)
            del menu_items[index]
            menu_items.insert(0, submit)
            return


hooks.register("before_publish_page", guards.refuse_direct_publish)
hooks.register("before_bulk_action", guards.refuse_bulk_publish)
hooks.register("before_copy_page", guards.refuse_copy_published)


@hooks.register("construct_admin_api")
def admin_api_without_direct_publish(router):
    router.register_endpoint("pages", guards.WorkflowOnlyPagesAdminAPIViewSet)


@hooks.register("after_edit_page")
def restart_review_after_edit(request, page):
    if workflow_restart_if_edited(page=page, user=request.user):
        messages.warning(
            request,
            "The page changed while it was awaiting approval, so its checks and "
            "approval start again.",
        )
    if not _submitted(request):
        _report_consent_rejection(request, page)


@hooks.register("after_create_page")
def report_consent_rejection_on_create(request, page):
    if not _submitted(request):
        _report_consent_rejection(request, page)


def _report_consent_rejection(request, page) -> None:
    """Show the author, at once, why the automatic consent check sent a page back.

    The refusal replaces Wagtail's green "saved" message beside it (issue 22).
    """
    workflow_state = page.current_workflow_state
    if workflow_state is None or workflow_state.status != "needs_changes":
        return
    task_state = workflow_state.current_task_state
    if task_state and isinstance(task_state.task.specific, ConsentCheckTask):
        _drop_success_messages(request)
        messages.error(
            request, "Your changes are saved, but not approved. " + task_state.comment
        )


def _drop_success_messages(request) -> None:
    """Remove the green messages queued so far; keep warnings and errors.

    Reading the message store marks every message as shown, so the ones kept are
    added again (Django's public messages API has no "remove").
    """
    kept = [
        message
        for message in messages.get_messages(request)
        if message.level != messages.SUCCESS
    ]
    for message in kept:
        messages.add_message(
            request, message.level, message.message, message.extra_tags
        )


SUBMIT_BUTTONS = ("action-submit", "action-restart-workflow")


def _submitted(request) -> bool:
    """Whether the editor pressed "Submit for approval" (or "Resubmit")."""
    return request.method == "POST" and any(
        request.POST.get(name) for name in SUBMIT_BUTTONS
    )


@hooks.register("after_create_page", order=100)
@hooks.register("after_edit_page", order=100)
def land_on_my_drafts_after_submitting(request, page):
    """After Submit: the dashboard's "My drafts and where they are", one true message.

    Wagtail's green "submitted for moderation" is dropped; what happened (sent for
    approval, or sent back at once by the consent check, never both) is shown at
    the top of "My drafts", where the author lands. Other messages (an
    out-of-hours warning) stay. Runs after the other hooks (order 100).
    """
    if not _submitted(request):
        return None
    outcome = outcomes.submission_outcome(page=page)
    if outcome is None:
        return None
    _drop_success_messages(request)
    panels.submission_outcome_keep(request, outcome)
    return redirect(reverse("wagtailadmin_home") + f"#{panels.MY_DRAFTS_ID}")


hooks.register(AWAITING_HOOK, panels.pages_to_approve)


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels_list):
    panels_list.append(panels.ModerationPanel(request.user, request=request))


@hooks.register("construct_homepage_panels")
def add_language_exceptions_panel(request, panels_list):
    panel = LanguageExceptionsPanel(request=request)
    if panel.exceptions or panel.held:
        panels_list.append(panel)


@hooks.register("register_log_actions")
def register_parity_log_actions(actions):
    actions.register_action(
        GO_LIVE_HELD,
        _("Go-live held (other language not ready)"),
        _(
            "Not published at its scheduled time: the other language was not ready, "
            "so neither went live"
        ),
    )


class LanguageExceptionsPanel(Component):
    """Pages live in one language only, until the other follows, and pairs whose
    scheduled go-live was held because one language was not ready (issue 27)."""

    name = "language_exceptions"
    order = 150
    template_name = "moderation/workflow/language_exceptions_panel.html"

    def __init__(self, *, request):
        from cms.languages import LANGUAGE_NAMES, current_school
        from moderation.models import HeldGoLive, LanguageException

        site = current_school(request)
        self.exceptions = list(
            LanguageException.objects.open()
            .filter(site=site)
            .select_related("page", "allowed_by")
        )
        for exception in self.exceptions:
            exception.language_name = LANGUAGE_NAMES.get(
                exception.missing_language, exception.missing_language
            )
        self.held = list(HeldGoLive.objects.open().filter(site=site))

    def get_context_data(self, parent_context):
        return {"exceptions": self.exceptions, "held": self.held}
