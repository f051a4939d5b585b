"""The admin: account register, delivery list, dashboard panel, audit-log actions."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import include, path, re_path, reverse
from django.utils import timezone
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.models import NoticePage
from moderation.awaiting import AWAITING_HOOK
from moderation.consent.withdrawal import POSTS_TO_REMOVE_HOOK, PostToRemove
from moderation.workflow.social_posts import ADDED_ON_APPROVAL_HOOK
from publishing import calendar_views, selectors, social_calendar_views, views
from publishing.dashboard import PublishedThisWeekPanel, accounts_to_decide
from publishing.delivery_permissions import (
    deliveries_acted_on_by,
    deliveries_may_act_on_any,
    deliveries_with_may_act,
)
from publishing.forms import SocialAccountForm
from publishing.inbox import access as inbox_access
from publishing.inbox import selectors as inbox_selectors
from publishing.inbox import urls as inbox_urls
from publishing.models import Delivery, Pin, SocialAccount
from publishing.services.closures import closure_posts_planned
from publishing.social_policy import views as policy_views
from publishing.social_policy.panels import no_policy_panel
from publishing.validation import length_rules
from schools.current import school_for_request
from schools.viewsets import SchoolScopedViewSetMixin


class SocialAccountIndexView(IndexView):
    def get_edit_url(self, instance):
        return reverse("publishing_account_detail", args=[instance.pk])


class SocialAccountViewSet(SchoolScopedViewSetMixin, ModelViewSet):
    """The register of accounts (A1): proposals, decisions, connections."""

    model = SocialAccount
    index_view_class = SocialAccountIndexView
    icon = "site"
    menu_label = "Accounts"
    url_prefix = "publishing/accounts"
    name = "publishing_accounts"
    copy_view_enabled = False
    list_display = [
        "name",
        "network",
        "status",
        "connection",
        Column("owner", label="Owner", accessor="owner_name"),
    ]
    list_filter = ["network", "status", "connection"]
    search_fields = ["name", "handle"]

    def get_form_class(self, for_update=False):
        return SocialAccountForm


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    """Deliveries are made by publishing, never by hand: staff may only look and act.

    Acting (retry, mark sent) is the delivery detail page, for those who run the
    delivery's account (publishing/delivery_permissions.py); the generic add, edit
    and delete views stay shut.
    """

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, "view") or super().user_has_permission(
            user, "change"
        )

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")


register_permission_policy(Delivery, DeliveryPermissionPolicy(Delivery))


class RetryColumn(Column):
    """A "Try again" button on each failed, blocked or held delivery (part 7),
    shown only to those who may act on it (``may_act``, see DeliveryIndexView)."""

    cell_template_name = "publishing/delivery_retry_cell.html"
    retryable = (Delivery.Status.FAILED, Delivery.Status.BLOCKED, Delivery.Status.HELD)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["retryable"] = instance.may_act and instance.status in self.retryable
        context["csrf_token"] = get_token(request) if request else ""
        return context


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return deliveries_with_may_act(
            super().get_base_queryset(), user=self.request.user
        )

    def get_edit_url(self, instance):
        return reverse("publishing_delivery_detail", args=[instance.pk])


class DeliveryViewSet(SchoolScopedViewSetMixin, ModelViewSet):
    """Every delivery, filterable by status, account and page (part 7)."""

    school_field = "account__site"

    model = Delivery
    index_view_class = DeliveryIndexView
    icon = "list-ul"
    menu_label = "Deliveries"
    url_prefix = "publishing/deliveries"
    name = "publishing_deliveries"
    copy_view_enabled = False
    list_display = [
        "page_title",
        "account",
        "status",
        "reason",
        "live_post",
        "sent_at",
        RetryColumn("retry", label="Action"),
    ]
    list_filter = ["status", "account", "page"]
    search_fields = ["page_title", "text"]
    form_fields = ["reason"]  # the generic edit view is shut (DeliveryPermissionPolicy)
    add_to_reference_index = False


class SocialMediaGroup(ModelViewSetGroup):
    menu_label = "Social media"
    menu_icon = "site"
    items = (SocialAccountViewSet, DeliveryViewSet)


class CalendarMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or user.has_perm("publishing.view_delivery")


@hooks.register("register_admin_menu_item")
def register_social_calendar_menu_item():
    return CalendarMenuItem(
        "Social calendar",
        reverse("publishing_calendar"),
        icon_name="date",
        order=850,
    )


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return inbox_access.may_use_inbox(request.user)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(
        gettext_lazy("Social inbox"), reverse("inbox:list"), icon_name="mail", order=840
    )


class InboxOverduePanel(Component):
    """Dashboard: the manager's comments past their reply time (M2)."""

    name = "inbox_overdue"
    order = 104
    template_name = "publishing/inbox/dashboard_panel.html"

    def __init__(self, *, overdue):
        self.overdue = overdue

    def get_context_data(self, parent_context):
        return {"overdue": self.overdue[:10], "count": len(self.overdue)}


@hooks.register("construct_homepage_panels")
def add_inbox_overdue_panel(request, panels):
    if not inbox_access.may_use_inbox(request.user):
        return
    overdue = list(
        inbox_selectors.overdue_for(
            user=request.user,
            site=inbox_access.current_school(request),
            at=timezone.now(),
        )
    )
    if overdue:
        panels.append(InboxOverduePanel(overdue=overdue))


@hooks.register("construct_homepage_panels")
def add_no_policy_panel(request, panels):
    panel = no_policy_panel(user=request.user, site=school_for_request(request))
    if panel is not None:
        panels.append(panel)


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [path("inbox/", include(inbox_urls, namespace="inbox"))]


@hooks.register("register_admin_viewset")
def register_social_media_viewsets():
    return SocialMediaGroup()


@hooks.register("register_admin_urls")
def register_publishing_urls():
    return [
        path(
            "publishing/account/<int:pk>/",
            views.account_detail,
            name="publishing_account_detail",
        ),
        re_path(
            r"^publishing/account/(?P<pk>\d+)/(?P<decision>approve|reject)/$",
            views.account_decide,
            name="publishing_account_decide",
        ),
        path(
            "publishing/account/<int:pk>/review/record/",
            views.account_review,
            name="publishing_account_review",
        ),
        path(
            "publishing/account/<int:pk>/credentials/",
            views.account_paste_credentials,
            name="publishing_account_credentials",
        ),
        path(
            "publishing/account/<int:pk>/connect/",
            views.account_connect_start,
            name="publishing_connect_start",
        ),
        path(
            "publishing/account/<int:pk>/connect/bluesky/",
            views.account_connect_bluesky,
            name="publishing_connect_bluesky",
        ),
        path(
            "publishing/connected/<str:network>/",
            views.account_connect_callback,
            name="publishing_connect_callback",
        ),
        path(
            "publishing/social-media-policy/acknowledge/",
            policy_views.acknowledge,
            name="publishing_policy_acknowledge",
        ),
        path(
            "publishing/calendar/",
            social_calendar_views.social_calendar,
            name="publishing_calendar",
        ),
        path(
            "publishing/delivery/<int:pk>/",
            views.delivery_detail,
            name="publishing_delivery_detail",
        ),
        path(
            "publishing/delivery/<int:pk>/<str:action>/",
            views.delivery_action,
            name="publishing_delivery_action",
        ),
        path(
            "reports/scheduled-jobs/",
            calendar_views.scheduled_jobs_report,
            name="publishing_scheduled_jobs",
        ),
        path(
            "publishing/pin/<int:pk>/done/",
            calendar_views.pin_done,
            name="publishing_pin_done",
        ),
        path(
            "publishing/deleted-by-hand/<int:pk>/",
            calendar_views.deleted_by_hand,
            name="publishing_deleted_by_hand",
        ),
    ]


class SocialMediaAttentionPanel(Component):
    """Dashboard: failed deliveries and accounts a person must act on (part 7)."""

    name = "social_media_attention"
    order = 110
    template_name = "publishing/dashboard_panel.html"

    def __init__(self, *, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        overdue = selectors.deliveries_overdue().exists()
        # Those who run some accounts see theirs; senior leadership sees them all.
        deliveries = deliveries_acted_on_by(
            selectors.deliveries_needing_attention(), user=self.user
        )
        return {
            "deliveries": deliveries[:10],
            "delivery_count": deliveries.count(),
            "overdue_cause": selectors.delivery_backlog_cause() if overdue else "",
            "overdue_statuses": ("queued", "sending", "retract_due", "retracting"),
            "accounts": selectors.accounts_needing_attention(),
        }


@hooks.register(ADDED_ON_APPROVAL_HOOK)
def closure_posts_for_review(page):
    """The review screen shows the posts a closure gets for every account (M1, P1)."""
    if isinstance(page, NoticePage):
        return closure_posts_planned(notice=page)
    return []


hooks.register(AWAITING_HOOK, accounts_to_decide)


@hooks.register(POSTS_TO_REMOVE_HOOK)
def posts_removed_with_consent(learner, image_ids):
    """The consent officer sees every post a withdrawal will delete, first (C1)."""
    return [
        PostToRemove(
            account=str(delivery.account),
            page_title=delivery.page_title,
            url=delivery.remote_url,
            sent=delivery.might_be_live,
            note=delivery.get_status_display()
            if delivery.status == Delivery.Status.DELETE_BY_HAND
            else "",
        )
        for delivery in selectors.deliveries_carrying(
            image_ids=image_ids, learner_id=learner.pk
        )
    ]


@hooks.register("construct_homepage_panels")
def add_published_this_week_panel(request, panels):
    panels.append(PublishedThisWeekPanel(site=school_for_request(request)))


@hooks.register("construct_homepage_panels")
def add_social_media_panel(request, panels):
    user = request.user
    if deliveries_may_act_on_any(user=user):
        panels.append(SocialMediaAttentionPanel(user=user))


class CalendarAttentionPanel(Component):
    """Dashboard: posts to pin by hand, and scheduled jobs failed or overdue."""

    name = "calendar_attention"
    order = 105
    template_name = "publishing/calendar_dashboard_panel.html"

    def __init__(self, *, pin_tasks, jobs):
        self.pin_tasks, self.jobs = pin_tasks, jobs

    def get_context_data(self, parent_context=None):
        return {"pin_tasks": self.pin_tasks, "jobs": self.jobs}


@hooks.register("construct_homepage_panels")
def add_calendar_panel(request, panels):
    user = request.user
    pin_tasks = Pin.objects.filter(
        status=Pin.Status.PIN_BY_HAND,
        delivery__account__site=school_for_request(request),
    ).select_related("delivery__account")
    if not user.is_superuser:
        pin_tasks = pin_tasks.filter(delivery__account__managers=user)
    jobs = (
        calendar_views.jobs_seen_by(request, attention_only=True)
        if calendar_views.may_see_jobs(user)
        else []
    )
    if pin_tasks or jobs:
        panels.append(CalendarAttentionPanel(pin_tasks=list(pin_tasks), jobs=jobs))


class DeleteByHandPanel(Component):
    """Dashboard: posts the network's API cannot delete, until a manager has."""

    name = "delete_by_hand"
    order = 95
    template_name = "publishing/delete_by_hand_panel.html"

    def __init__(self, *, deliveries):
        self.deliveries = deliveries

    def get_context_data(self, parent_context=None):
        return {"deliveries": self.deliveries}


@hooks.register("construct_homepage_panels")
def add_delete_by_hand_panel(request, panels):
    user = request.user
    tasks = Delivery.objects.filter(
        status=Delivery.Status.DELETE_BY_HAND,
        account__site=school_for_request(request),
    ).select_related("account")
    if not user.is_superuser:
        tasks = tasks.filter(account__managers=user)
    tasks = list(tasks)
    if tasks:
        panels.append(DeleteByHandPanel(deliveries=tasks))


@hooks.register("register_reports_menu_item")
def register_scheduled_jobs_report():
    return ScheduledJobsMenuItem(
        "Scheduled jobs",
        reverse("publishing_scheduled_jobs"),
        icon_name="time",
        order=900,
    )


class ScheduledJobsMenuItem(MenuItem):
    def is_shown(self, request):
        return calendar_views.may_see_jobs(request.user)


@hooks.register("insert_editor_js")
def social_post_counter_js():
    """The live length counter beside each social post's text (progressive)."""
    limits = json_script(length_rules(), "publishing-length-rules")
    script = format_html(
        '<script src="{}" defer></script>',
        static("publishing/js/social_post_counter.js"),
    )
    return mark_safe(limits + script)  # noqa: S308 (both parts escaped above)


LOG_ACTIONS = {
    "publishing.account.proposed": ("Propose account", "Social account proposed"),
    "publishing.account.approved": ("Approve account", "Social account approved"),
    "publishing.account.rejected": ("Reject account", "Social account rejected"),
    "publishing.account.suspended": ("Suspend account", "Social account suspended"),
    "publishing.account.connected": ("Connect account", "Social account connected"),
    "publishing.account.reconnect_needed": (
        "Reconnect needed",
        "Social account needs reconnecting",
    ),
    "publishing.account.reviewed": ("Review access", "Access review recorded"),
    "publishing.account.resubmitted": (
        "Change business case",
        "Social account changed; awaiting senior leadership again",
    ),
    "publishing.delivery.created": ("Queue post", "Social post queued"),
    "publishing.delivery.sent": ("Send post", "Social post sent"),
    "publishing.delivery.failed": ("Fail post", "Social post failed"),
    "publishing.delivery.blocked": ("Block post", "Social post blocked by consent"),
    "publishing.delivery.held": ("Hold post", "Social post held"),
    "publishing.delivery.needs_attention": (
        "Post needs attention",
        "Social post needs attention",
    ),
    "publishing.delivery.released_with_language": (
        "Release with the other language",
        "The other language went live: the post waiting for it was released",
    ),
    "publishing.delivery.not_reposted": (
        "Not posted again",
        "Published again: the post already exists, so it was not posted again",
    ),
    "publishing.delivery.retract_requested": (
        "Request deletion",
        "Deletion of social post requested",
    ),
    "publishing.delivery.retracted": ("Delete post", "Social post deleted"),
    "publishing.delivery.delete_by_hand": (
        "Ask for deletion by hand",
        "Managers asked to delete the post in the network's app",
    ),
    "publishing.delivery.deleted_by_hand": (
        "Deleted by hand",
        "A manager deleted the post in the network's app",
    ),
    "publishing.delivery.cancelled": ("Cancel post", "Social post cancelled"),
    "publishing.delivery.retried": ("Retry post", "Social post retried"),
    "publishing.delivery.resent": ("Send again", "Social post sent again"),
    "publishing.delivery.marked_sent": ("Mark sent", "Social post marked sent"),
    "publishing.delivery.outcome_unknown": (
        "Outcome unknown",
        "No answer from the network: the post will be looked for before any resend",
    ),
    "publishing.delivery.adopted": (
        "Found on the network",
        "Social post found on the network and recorded",
    ),
    "publishing.delivery.not_found": (
        "Not on the network",
        "Looked on the network: the post was not there",
    ),
    "publishing.delivery.looked": (
        "Looked on the network",
        "Looked on the network for the post before deleting it",
    ),
    "publishing.delivery.marked_not_on_network": (
        "Mark not on the network",
        "Social post marked as not on the network",
    ),
    "publishing.delivery.look_again": (
        "Look again",
        "Asked to look on the network again",
    ),
}


@hooks.register("register_log_actions")
def register_publishing_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
