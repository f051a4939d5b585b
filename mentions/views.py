"""The Mentions screen (under /admin/mentions/, behind the two-factor sign-in).

One school's mentions, newest first; the feeds and search terms with any problem
reading them; each person's email choice. Every change is a POST form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.current import school_for_request
from schools.scoping import get_school_object_or_404

from . import access, services
from .forms import EmailChoiceForm, FeedForm, FilterForm, SearchTermsForm
from .models import Mention, MentionEmail, MentionFeed, MentionSearch

PER_PAGE = 50


def _school(request, *, runs: bool = False):
    site = school_for_request(request)
    allowed = access.runs_mentions if runs else access.sees_mentions
    if site is None or not allowed(request.user, site):
        raise PermissionDenied
    return site


def mention_list(request):
    site = _school(request)
    user = request.user
    runs = access.runs_mentions(user, site)
    mentions = Mention.objects.for_school(site).select_related("feed")
    filters = FilterForm(request.GET)
    if filters.is_valid() and filters.cleaned_data["flagged"]:
        mentions = mentions.flagged()
    page = Paginator(mentions, PER_PAGE).get_page(request.GET.get("page"))
    search = MentionSearch.objects.filter(site=site).first() or MentionSearch(site=site)
    choice = MentionEmail.objects.filter(site=site, user=user).first()
    return TemplateResponse(
        request,
        "mentions/mention_list.html",
        {
            "page": page,
            "rows": [
                {"mention": mention, "words_shown": runs or not mention.flagged}
                for mention in page
            ],
            "filters": filters,
            "runs": runs,
            "feeds": MentionFeed.objects.filter(site=site),
            "search": search,
            "searching_account": services.searching_account(site),
            "feed_form": FeedForm(),
            "terms_form": SearchTermsForm(instance=search),
            "email_form": EmailChoiceForm(
                initial={"frequency": choice.frequency if choice else ""}
            ),
        },
    )


def _errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
def feed_add(request):
    site = _school(request, runs=True)
    form = FeedForm(request.POST, instance=MentionFeed(site=site))
    if not form.is_valid():
        messages.error(request, _("The feed was not added: %s") % _errors(form))
        return redirect("mentions:list")
    feed = services.feed_add(
        site=site,
        title=form.cleaned_data["title"],
        url=form.cleaned_data["url"],
        by=request.user,
    )
    if feed.problem:
        messages.warning(
            request,
            _("The feed was added, but it could not be read yet: %(problem)s")
            % {"problem": feed.problem},
        )
    else:
        messages.success(request, _("The feed was added and read."))
    return redirect("mentions:list")


@require_POST
def feed_remove(request, pk: int):
    site = _school(request, runs=True)
    feed = get_school_object_or_404(request, MentionFeed, pk=pk, site=site)
    feed.delete()  # the mentions it brought stay (their feed is forgotten)
    messages.success(request, _("The feed was removed; what it found is kept."))
    return redirect("mentions:list")


@require_POST
def search_terms(request):
    site = _school(request, runs=True)
    search = MentionSearch.objects.filter(site=site).first() or MentionSearch(site=site)
    form = SearchTermsForm(request.POST, instance=search)
    if form.is_valid():
        form.save()
        messages.success(request, _("The search terms were saved."))
    else:
        messages.error(
            request, _("The search terms were not saved: %s") % _errors(form)
        )
    return redirect("mentions:list")


@require_POST
def email_choice(request):
    site = _school(request, runs=True)
    form = EmailChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how often, or never."))
        return redirect("mentions:list")
    frequency = form.cleaned_data["frequency"]
    if frequency:
        MentionEmail.objects.update_or_create(
            site=site, user=request.user, defaults={"frequency": frequency}
        )
    else:
        MentionEmail.objects.filter(site=site, user=request.user).delete()
    messages.success(request, _("Your email choice was saved."))
    return redirect("mentions:list")
