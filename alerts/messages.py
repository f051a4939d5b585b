"""The emails families get: built from templates, plain text and HTML, no trackers.

Every alert and summary carries the school's own unsubscribe link twice over: in the
body, and in ``List-Unsubscribe`` (https, and mailto when the school has a mailbox for
it) with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), so a mail
program's "Unsubscribe" button works without opening the website. No pixels, no
third-party assets: the HTML part is text with links, and a photo only where
``photos.py`` allows one (the school turned it on and the consent is there), from
the school's own website.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from cms.mail import email_subject

from . import tokens
from .models import Alert, Frequency, Subscriber


def school_name(site: Site) -> str:
    return site.site_name or settings.WAGTAIL_SITE_NAME


def site_address(site: Site, path: str) -> str:
    """An absolute address on the school's own website."""
    return site.root_url.rstrip("/") + path


def unsubscribe_url(subscriber: Subscriber, site: Site) -> str:
    token = tokens.make_link_token(subscriber, purpose=tokens.UNSUBSCRIBE)
    return site_address(site, reverse("alerts:unsubscribe", args=[token]))


def manage_url(subscriber: Subscriber, site: Site) -> str:
    token = tokens.make_link_token(subscriber, purpose=tokens.MANAGE)
    return site_address(site, reverse("alerts:manage", args=[token]))


def confirm_url(subscriber: Subscriber, site: Site) -> str:
    token = tokens.make_link_token(subscriber, purpose=tokens.CONFIRM)
    return site_address(site, reverse("alerts:confirm", args=[token]))


def _list_headers(subscriber: Subscriber, site: Site) -> dict[str, str]:
    links = [f"<{unsubscribe_url(subscriber, site)}>"]
    if settings.ALERTS_UNSUBSCRIBE_MAILBOX:
        token = tokens.make_link_token(subscriber, purpose=tokens.UNSUBSCRIBE)
        subject = quote(f"unsubscribe {token}")
        links.append(
            f"<mailto:{settings.ALERTS_UNSUBSCRIBE_MAILBOX}?subject={subject}>"
        )
    return {
        "List-Unsubscribe": ", ".join(links),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<updates.{site.hostname}>",
        # Out-of-office replies are not sent to automatic messages (RFC 3834).
        "Auto-Submitted": "auto-generated",
    }


def _message(
    *, subject: str, template: str, context: dict, to: str, headers=None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email_subject(subject),
        body=render_to_string(f"alerts/email/{template}.txt", context),
        from_email=settings.ALERTS_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}.html", context), "text/html"
    )
    return message


def _subscriber_context(subscriber: Subscriber, site: Site) -> dict:
    return {
        "school_name": school_name(site),
        "manage_url": manage_url(subscriber, site),
        "unsubscribe_url": unsubscribe_url(subscriber, site),
    }


def alert_email(
    *, subscriber: Subscriber, alert: Alert, photo=None
) -> EmailMultiAlternatives:
    """One alert, sent straight away: title, summary, link to the page.

    Args:
        photo: an ``photos.EmailPhoto`` the consent rules let out, or None.
    """
    site = alert.site
    return _message(
        subject=_("%(school)s: %(title)s")
        % {"school": school_name(site), "title": alert.title},
        template="alert",
        context={
            **_subscriber_context(subscriber, site),
            "alert": alert,
            "photo": photo,
        },
        to=subscriber.email,
        headers=_list_headers(subscriber, site),
    )


def digest_email(
    *,
    subscriber: Subscriber,
    alerts: list[Alert],
    frequency: str,
    photos: dict | None = None,
) -> EmailMultiAlternatives:
    """A daily or weekly summary of every alert due to one subscriber.

    Args:
        photos: by alert id, the ``photos.EmailPhoto`` each may show (or None).
    """
    site = alerts[0].site
    photos = photos or {}
    for alert in alerts:
        alert.photo = photos.get(alert.pk)
    if frequency == Frequency.WEEKLY:
        subject = _("%(school)s: this week's updates")
    else:
        subject = _("%(school)s: today's updates")
    return _message(
        subject=subject % {"school": school_name(site)},
        template="digest",
        context={
            **_subscriber_context(subscriber, site),
            "alerts": alerts,
            "weekly": frequency == Frequency.WEEKLY,
        },
        to=subscriber.email,
        headers=_list_headers(subscriber, site),
    )


def confirmation_email(*, subscriber: Subscriber) -> EmailMultiAlternatives:
    """Double opt-in: the one email an unconfirmed address ever gets."""
    site = subscriber.site
    return _message(
        subject=_("%(school)s: please confirm your email updates")
        % {"school": school_name(site)},
        template="confirm",
        context={
            "school_name": school_name(site),
            "confirm_url": confirm_url(subscriber, site),
            "days": settings.ALERTS_CONFIRM_LINK_DAYS,
        },
        to=subscriber.email,
    )


def manage_link_email(*, subscriber: Subscriber) -> EmailMultiAlternatives:
    """A fresh "manage my updates" link, for a confirmed subscriber who asked."""
    site = subscriber.site
    return _message(
        subject=_("%(school)s: change your email updates")
        % {"school": school_name(site)},
        template="manage_link",
        context={
            **_subscriber_context(subscriber, site),
            "days": settings.ALERTS_MANAGE_LINK_DAYS,
        },
        to=subscriber.email,
        headers=_list_headers(subscriber, site),
    )
