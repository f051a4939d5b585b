"""The public pages of email updates: sign up, confirm, manage, unsubscribe.

Every link in an email only *shows* a page on GET; a change needs a POST from that
page (link scanners in school and work mail systems follow every GET). The one
exception by design is RFC 8058's one-click POST from a mail program, which
unsubscribes at once. Each page is for the school whose website it is on.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from . import subscriptions, tokens
from .forms import ChoicesForm, ManageLinkForm, SignUpForm
from .messages import manage_url, unsubscribe_url
from .models import Subscriber
from .schools import current_school

logger = logging.getLogger(__name__)

ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


def too_many_sign_ups(request: HttpRequest) -> bool:
    """More than the hourly allowance of sign-ups from this network address.

    Kept in the shared cache (Redis); with Redis down it cannot count, and the
    per-address limit in the database still stops any one inbox being flooded.
    """
    key = f"alerts:sign-ups:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # the cache lost the key (or is unreachable): count this one
        count = 1
    return count > settings.ALERTS_SIGNUPS_PER_HOUR_PER_ADDRESS


def _is_one_click(request: HttpRequest) -> bool:
    """RFC 8058's POST: ``List-Unsubscribe=One-Click``, form-encoded or multipart.

    Mail programs send either encoding; any other body is not a one-click request.
    """
    if request.content_type == "multipart/form-data":
        return request.POST.get("List-Unsubscribe") == "One-Click"
    return request.body.decode("utf-8", "replace").strip() == ONE_CLICK_BODY


def _link_problem(request, error: Exception) -> HttpResponse:
    expired = isinstance(error, tokens.LinkExpired)
    return render(
        request,
        "alerts/link_problem.html",
        {"expired": expired, "form": ManageLinkForm()},
        status=400,
    )


def subscriber_link(
    purpose: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The page behind one of the links in our emails: the token names the subscriber.

    The view is given the subscriber at this school; a link that has expired, is for
    another purpose or school, or was never ours shows the link-problem page instead.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def with_subscriber(request: HttpRequest, token: str) -> HttpResponse:
            site = current_school(request)
            try:
                subscriber = tokens.subscriber_from_token(
                    token, purpose=purpose, site=site
                )
            except (tokens.LinkExpired, tokens.LinkInvalid) as error:
                return _link_problem(request, error)
            return view(request, subscriber=subscriber, site=site)

        return with_subscriber

    return decorate


@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    site = current_school(request)
    if request.method == "GET":
        return render(request, "alerts/sign_up.html", {"form": SignUpForm(site=site)})
    form = SignUpForm(request.POST, site=site)
    if not form.is_valid():
        return render(request, "alerts/sign_up.html", {"form": form}, status=400)
    if too_many_sign_ups(request):
        return render(
            request,
            "alerts/sign_up.html",
            {"form": form, "too_many": True},
            status=429,
        )
    subscriptions.subscriber_sign_up(
        site=site,
        email=form.cleaned_data["email"],
        choices=form.choices(),
        source_page=request.POST.get("from", "")
        or request.META.get("HTTP_REFERER", ""),
        now=timezone.now(),
    )
    return render(
        request, "alerts/check_inbox.html", {"email": form.cleaned_data["email"]}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@subscriber_link(tokens.CONFIRM)
def confirm(
    request: HttpRequest, *, subscriber: Subscriber, site: Site
) -> HttpResponse:
    if request.method == "POST":
        subscriber = subscriptions.subscriber_confirm(
            subscriber=subscriber, now=timezone.now()
        )
        return render(
            request,
            "alerts/confirmed.html",
            {
                "choices": subscriptions.subscriber_choices(subscriber),
                "manage_url": manage_url(subscriber, site),
            },
        )
    form = ChoicesForm(
        initial=ChoicesForm.initial_from(subscriber.pending_choices), site=site
    )
    return render(
        request,
        "alerts/confirm.html",
        {"subscriber": subscriber, "form": form, "confirmed": subscriber.is_receiving},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@subscriber_link(tokens.MANAGE)
def manage(request: HttpRequest, *, subscriber: Subscriber, site: Site) -> HttpResponse:
    if not subscriber.is_receiving:
        return _link_problem(request, tokens.LinkInvalid())
    saved = False
    if request.method == "POST":
        form = ChoicesForm(request.POST, site=site)
        if form.is_valid():
            subscriptions.subscriber_choices_save(
                subscriber=subscriber, choices=form.choices(), now=timezone.now()
            )
            saved = True
    else:
        form = ChoicesForm(
            initial=ChoicesForm.initial_from(
                subscriptions.subscriber_choices(subscriber)
            ),
            site=site,
        )
    return render(
        request,
        "alerts/manage.html",
        {
            "subscriber": subscriber,
            "form": form,
            "saved": saved,
            "unsubscribe_url": unsubscribe_url(subscriber, site),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage_request(request: HttpRequest) -> HttpResponse:
    site = current_school(request)
    if request.method == "GET":
        return render(request, "alerts/manage_request.html", {"form": ManageLinkForm()})
    form = ManageLinkForm(request.POST)
    if not form.is_valid():
        return render(request, "alerts/manage_request.html", {"form": form}, status=400)
    if too_many_sign_ups(request):
        return render(
            request,
            "alerts/manage_request.html",
            {"form": form, "too_many": True},
            status=429,
        )
    subscriptions.manage_link_request(
        site=site, email=form.cleaned_data["email"], now=timezone.now()
    )
    return render(
        request,
        "alerts/manage_request.html",
        {"form": None, "sent_to": form.cleaned_data["email"]},
    )


@csrf_exempt  # RFC 8058: a mail program POSTs without our form; the token is the key
@never_cache
@require_http_methods(["GET", "POST"])
@subscriber_link(tokens.UNSUBSCRIBE)
def unsubscribe(
    request: HttpRequest, *, subscriber: Subscriber, site: Site
) -> HttpResponse:
    if request.method == "GET":
        return render(
            request,
            "alerts/unsubscribe.html",
            {"subscriber": subscriber, "done": subscriber.unsubscribed_at is not None},
        )
    one_click = _is_one_click(request)
    from_our_page = request.POST.get("unsubscribe") == "yes" if not one_click else False
    if not (one_click or from_our_page):
        return render(
            request,
            "alerts/unsubscribe.html",
            {"subscriber": subscriber, "done": False, "bad_request": True},
            status=400,
        )
    subscriptions.subscriber_unsubscribe(
        subscriber=subscriber,
        now=timezone.now(),
        how=_("one-click button in the mail program")
        if one_click
        else _("the unsubscribe page"),
    )
    return render(
        request, "alerts/unsubscribe.html", {"subscriber": subscriber, "done": True}
    )
