"""Admin views for accounts (decide, connect, review) and deliveries (act on one).

Listing and filtering live in the viewsets (wagtail_hooks.py); these are the pages
with the buttons. Every refusal is a message on the page, never an error page.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from publishing import connect, selectors
from publishing.credentials import CredentialsUnavailable
from publishing.delivery_permissions import deliveries_may_see, delivery_may_act
from publishing.errors import DeliveryStateError, GovernanceError
from publishing.forms import (
    BlueskyConnectForm,
    DecisionForm,
    MarkSentForm,
    PastedCredentialsForm,
    ReviewForm,
)
from publishing.models import Delivery, Network, SocialAccount
from publishing.networks.base import NetworkError
from publishing.services import accounts as account_services
from publishing.services import deliveries as delivery_services
from publishing.social_policy.services import (
    account_acknowledgements,
    current_policy,
)
from publishing.social_policy.views import policy_gate
from schools.scoping import get_school_object_or_404

logger = logging.getLogger(__name__)

CONNECT_SESSION_KEY = "publishing_connect"


def _can_connect(user, account: SocialAccount) -> bool:
    """Its owner, its managers, senior leaders and administrators connect it (A2, A3).

    Senior leaders approve accounts and are then told to press Connect, so the
    button is theirs too.
    """
    return (
        user.is_superuser
        or account.owner_id == user.pk
        or account.managers.filter(pk=user.pk).exists()
        or account_services.is_senior_leader_of(user, account.site_id)
    )


def _connect_refused(request, account: SocialAccount) -> HttpResponse | None:
    """Why this person may not start connecting the account now, as the page to show.

    Raises:
        PermissionDenied: they may not connect it at all.
    """
    if not _can_connect(request.user, account):
        raise PermissionDenied
    if refused := policy_gate(request, site=account.site):
        return refused
    problem = selectors.account_governance_problem(account=account)
    if problem:
        messages.error(request, f"{account.name} cannot be connected: {problem}")
        return _detail(account)
    return None


def _detail(account: SocialAccount):
    return redirect("publishing_account_detail", pk=account.pk)


def _require_staff_access(request) -> None:
    if not (
        request.user.is_superuser
        or request.user.has_perm("publishing.view_socialaccount")
        or request.user.has_perm("publishing.change_socialaccount")
        or request.user.managed_social_accounts.exists()
    ):
        raise PermissionDenied


def account_detail(request, pk: int):
    _require_staff_access(request)
    account = get_school_object_or_404(
        request,
        SocialAccount.objects.select_related("owner", "proposed_by", "decided_by"),
        pk=pk,
    )
    user = request.user
    senior = account_services.is_senior_leader_of(user, account.site_id)
    return TemplateResponse(
        request,
        "publishing/social_account.html",
        {
            "account": account,
            "managers": account.managers.order_by("username"),
            "reviews": account.reviews.select_related("reviewed_by")[:5],
            "governance_problem": selectors.account_governance_problem(account=account),
            "posting_problem": selectors.account_posting_problem(account=account),
            "can_decide": senior
            and user.pk != account.proposed_by_id
            and account.status
            in (SocialAccount.Status.PROPOSED, SocialAccount.Status.SUSPENDED),
            "can_review": senior,
            "can_connect": _can_connect(user, account),
            "policy": current_policy(account.site),
            "policy_acknowledgements": account_acknowledgements(account),
            "can_paste": user.is_superuser,
            "decision_form": DecisionForm(),
            "review_form": ReviewForm(),
            "recent_deliveries": account.deliveries.select_related("page")[:10],
        },
    )


@require_POST
def account_decide(request, pk: int, decision: str):
    if decision not in ("approve", "reject"):
        raise Http404
    account = get_school_object_or_404(request, SocialAccount, pk=pk)
    form = DecisionForm(request.POST)
    note = form.data.get("note", "").strip()
    try:
        if decision == "approve":
            account_services.account_approve(
                account=account, by=request.user, note=note
            )
            messages.success(
                request,
                f"{account.name} is approved. Press Connect below to link it to "
                "the school's account on the network.",
            )
        else:
            account_services.account_reject(account=account, by=request.user, note=note)
            messages.success(request, f"{account.name} is rejected.")
    except GovernanceError as error:
        messages.error(request, str(error))
    return _detail(account)


@require_POST
def account_review(request, pk: int):
    account = get_school_object_or_404(request, SocialAccount, pk=pk)
    form = ReviewForm(request.POST)
    note = form.data.get("note", "").strip()
    try:
        account_services.account_review_record(
            account=account, by=request.user, note=note
        )
        messages.success(request, "The access review is recorded.")
    except GovernanceError as error:
        messages.error(request, str(error))
    return _detail(account)


def account_paste_credentials(request, pk: int):
    """An administrator pastes tokens by hand (the issue's fallback to Connect)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    account = get_school_object_or_404(request, SocialAccount, pk=pk)
    if refused := policy_gate(request, site=account.site):
        return refused
    form = PastedCredentialsForm(request.POST or None, network=account.network)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.account_credentials_store(
                account=account, credentials=form.cleaned_data, by=request.user
            )
        except (GovernanceError, CredentialsUnavailable) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{account.name} is connected.")
            return _detail(account)
    return TemplateResponse(
        request,
        "publishing/social_account_credentials.html",
        {"account": account, "form": form},
    )


@require_POST
def account_connect_start(request, pk: int):
    """Send the member of staff to the network to authorise the school's app."""
    account = get_school_object_or_404(request, SocialAccount, pk=pk)
    if refused := _connect_refused(request, account):
        return refused
    if account.network == Network.BLUESKY:
        # No redirect to the network: the handle and an app password are typed here.
        return redirect("publishing_connect_bluesky", pk=account.pk)
    callback_url = request.build_absolute_uri(
        reverse("publishing_connect_callback", args=[account.network])
    )
    try:
        started = connect.connect_start(
            network=account.network, callback_url=callback_url
        )
    except (NetworkError, connect.ConnectNotConfigured) as error:
        messages.error(request, f"Could not start connecting: {error}")
        return _detail(account)
    request.session[CONNECT_SESSION_KEY] = {
        "account": account.pk,
        "network": account.network,
        **started.session_data,
    }
    return redirect(started.authorize_url)


def account_connect_bluesky(request, pk: int):
    """Connect a Bluesky account with its handle and an app password (A3)."""
    account = get_school_object_or_404(
        request, SocialAccount, pk=pk, network=Network.BLUESKY
    )
    if refused := _connect_refused(request, account):
        return refused
    form = BlueskyConnectForm(
        request.POST or None, initial={"handle": account.handle.lstrip("@")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            finished = connect.bluesky_connect_finish(
                account=account,
                handle=form.cleaned_data["handle"],
                app_password=form.cleaned_data["app_password"],
            )
            account_services.account_credentials_store(
                account=account,
                credentials=finished.credentials,
                by=request.user,
                handle=finished.handle,
            )
        except (NetworkError, GovernanceError, CredentialsUnavailable) as error:
            messages.error(request, f"{account.name} was not connected: {error}")
        else:
            messages.success(
                request, f"{account.name} is connected as {finished.handle}."
            )
            return _detail(account)
    return TemplateResponse(
        request,
        "publishing/social_account_bluesky.html",
        {"account": account, "form": form},
    )


def account_connect_callback(request, network: str):
    """The network sends the member of staff back here; check it is our request."""
    pending = request.session.pop(CONNECT_SESSION_KEY, None)
    if not pending or pending.get("network") != network:
        messages.error(
            request,
            "This answer from the network does not match a connection started here; "
            "press Connect on the account again.",
        )
        return redirect("publishing_accounts:index")
    account = get_school_object_or_404(request, SocialAccount, pk=pending["account"])
    if not _can_connect(request.user, account):
        raise PermissionDenied
    if refused := policy_gate(request, site=account.site):
        return refused
    try:
        finished = connect.connect_finish(
            account=account, pending=pending, params=request.GET.dict()
        )
        account_services.account_credentials_store(
            account=account,
            credentials=finished.credentials,
            by=request.user,
            handle=finished.handle,
        )
    except (NetworkError, GovernanceError, CredentialsUnavailable) as error:
        messages.error(request, f"{account.name} was not connected: {error}")
    except connect.ConnectNotConfigured as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{account.name} is connected as {finished.handle}.")
    return _detail(account)


# --- Deliveries -----------------------------------------------------------------------


def delivery_detail(request, pk: int):
    """A delivery, its history and, for those who may act on it, its buttons."""
    if not deliveries_may_see(user=request.user):
        raise PermissionDenied
    delivery = get_school_object_or_404(
        request,
        Delivery.objects.select_related("account", "page"),
        school_field="account__site",
        pk=pk,
    )
    status = delivery.status
    may_act = delivery_may_act(delivery=delivery, user=request.user)
    return TemplateResponse(
        request,
        "publishing/delivery.html",
        {
            "delivery": delivery,
            "may_act": may_act,
            "can_retry": may_act
            and status
            in (Delivery.Status.FAILED, Delivery.Status.BLOCKED, Delivery.Status.HELD),
            "needs_attention": status == Delivery.Status.NEEDS_ATTENTION,
            "can_mark_sent": may_act and status in delivery_services.MARKABLE,
            "can_mark_not_on_network": may_act
            and status in delivery_services.MARKABLE
            and status != Delivery.Status.CANCELLED,
            "mark_sent_form": MarkSentForm(),
            "history": _history(delivery),
        },
    )


def _delivery_refused(request, delivery: Delivery) -> TemplateResponse:
    """A forged or stale form: 403, with the delivery's page saying why (no buttons).

    Wagtail turns a raised PermissionDenied into a redirect to the dashboard; a
    refusal to act on a post answers 403 so that no client takes it for success.
    """
    messages.error(
        request,
        f"Nothing was changed: only the owner and managers of {delivery.account.name} "
        "and senior leadership can try its posts again or record what became of them.",
    )
    response = delivery_detail(request, delivery.pk)
    response.status_code = 403
    return response


def _history(delivery: Delivery):
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.for_instance(delivery).select_related("user")[:20]


@require_POST
def delivery_action(request, pk: int, action: str):
    """Retry, resend, look again or mark: only for those who run the account."""
    delivery = get_school_object_or_404(
        request,
        Delivery.objects.select_related("account"),
        school_field="account__site",
        pk=pk,
    )
    if not delivery_may_act(delivery=delivery, user=request.user):
        return _delivery_refused(request, delivery)
    if refused := policy_gate(request, site=delivery.account.site):
        return refused
    try:
        if action == "retry":
            delivery_services.delivery_retry(delivery=delivery, user=request.user)
            messages.success(request, "It will be tried again in a moment.")
        elif action == "resend":
            delivery_services.delivery_resend(delivery=delivery, user=request.user)
            messages.success(request, "It will be sent again in a moment.")
        elif action == "mark-sent":
            form = MarkSentForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request,
                    "Give the post's id on the network (and, if you have it, its "
                    "full address starting https://).",
                )
            else:
                delivery_services.delivery_mark_sent(
                    delivery=delivery, user=request.user, **form.cleaned_data
                )
                messages.success(request, "Marked as sent.")
        elif action == "mark-not-on-network":
            delivery_services.delivery_mark_not_on_network(
                delivery=delivery, user=request.user
            )
            messages.success(request, "Recorded: the post is not on the network.")
        elif action == "look-again":
            delivery_services.delivery_look_again(delivery=delivery, user=request.user)
            messages.success(request, "The network will be checked again in a moment.")
        else:
            raise PermissionDenied
    except DeliveryStateError as error:
        messages.error(request, str(error))
    if action == "retry" and request.POST.get("next") == "list":
        return redirect("publishing_deliveries:index")
    return redirect("publishing_delivery_detail", pk=delivery.pk)
