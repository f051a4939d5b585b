"""A bilingual school's social posts carry both languages (issue 27, item 3).

Welsh Government guidance: a school in Wales publishes in Welsh and English at the
same time, Welsh not treated less favourably in position or timing. With the school's
parity setting on, each post of a page has its other-language text in the page's
translation (the translation's post for the same account). Sent either as:

- one bilingual post: both texts in the school's order (Welsh first by default in
  Wales), one link, to the page in the first language; counted by the network on the
  combined text (``publishing.validation``); or
- a pair: each language's post on its own, released in the same moment.

A post in one language alone is refused: its delivery waits (``WAITING_FOR_LANGUAGE``,
never sent) until the other language goes live, unless a senior leader recorded an
exception for the page (``moderation.workflow.parity``), when it goes alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.languages import LANGUAGE_NAMES, language_plan_for_page
from moderation.workflow.parity import open_exception
from publishing.models import Delivery, SocialPost

#: Between the two languages' texts of one bilingual post.
LANGUAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class PostWords:
    """What one post says and which page its link goes to.

    ``waiting_for``: the languages whose text is not live yet (the post must wait).
    ``partner_texts``: the other languages' texts, in the school's order, whether
    sent in this post (``together``) or as the pair's other post.
    """

    text: str
    link_page: Page
    together: bool = False
    waiting_for: tuple[str, ...] = ()
    partner_texts: tuple[tuple[str, str], ...] = field(default=())


def combined_text(texts: list[str]) -> str:
    """Both languages' words as one post, in the order given."""
    return LANGUAGE_SEPARATOR.join(text.strip() for text in texts if text.strip())


def _partner_post(partner: Page, *, account_id: int, live: bool) -> SocialPost | None:
    """The translation's post for the same account: as published, or as drafted."""
    if live:
        if not partner.live:
            return None
        return SocialPost.objects.filter(page=partner, account_id=account_id).first()
    draft = partner.get_latest_revision_as_object()
    return next(
        (post for post in draft.social_posts.all() if post.account_id == account_id),
        None,
    )


def post_words(*, post: SocialPost, page: Page, live: bool = False) -> PostWords:
    """The words ``post`` goes out with from ``page``, both languages considered.

    ``live``: read the other language as it is live (sending), not as drafted (the
    editor and the review screen).
    """
    plan = language_plan_for_page(page)
    if not (plan.bilingual and plan.parity) or not page.pk:
        return PostWords(text=post.text, link_page=page)
    own = page.locale.language_code
    translations = {
        translation.locale.language_code: translation.specific
        for translation in page.get_translations().select_related("locale")
    }
    texts = {own: post.text}
    pages = {own: page}
    forms = {post.languages}
    waiting = []
    for code in plan.other_languages(own):
        partner = translations.get(code)
        other = (
            _partner_post(partner, account_id=post.account_id, live=live)
            if partner is not None
            else None
        )
        # A translation's post still in the words it was copied from is not written.
        if other is not None and other.text.strip() != post.text.strip():
            texts[code], pages[code] = other.text, partner
            forms.add(other.languages)
        elif open_exception(page, code) is None:
            waiting.append(code)
    partner_texts = tuple(
        (code, texts[code]) for code in plan.codes if code in texts and code != own
    )
    if waiting or not partner_texts or forms != {SocialPost.Languages.TOGETHER}:
        return PostWords(
            text=post.text,
            link_page=page,
            waiting_for=tuple(waiting),
            partner_texts=partner_texts,
        )
    ordered = [code for code in plan.codes if code in texts]
    return PostWords(
        text=combined_text([texts[code] for code in ordered]),
        link_page=pages[ordered[0]],
        together=True,
        partner_texts=partner_texts,
    )


def language_notes(*, post: SocialPost, page: Page) -> list[str]:
    """What the approver should know of the post's other language."""
    words = post_words(post=post, page=page)
    if words.together:
        return [_("One post in both languages, counted together.")]
    notes = [
        _("Sent at the same moment as its %(language)s post: “%(text)s”")
        % {"language": LANGUAGE_NAMES.get(code, code), "text": text.strip()}
        for code, text in words.partner_texts
    ]
    if words.waiting_for:
        notes.append(waiting_reason(words.waiting_for))
    return notes


def waiting_reason(codes: tuple[str, ...]) -> str:
    names = ", ".join(LANGUAGE_NAMES.get(code, code) for code in codes)
    return _(
        "Not sent alone: this school posts in both languages, and the %(language)s "
        "version of this post is not live yet. It goes when that version is "
        "approved, or alone if a senior leader records an exception for the page."
    ) % {"language": names}


def waiting_partner_delivery(*, page: Page, account_id: int) -> Delivery | None:
    """The other language's delivery to this account waiting for ``page``."""
    return (
        Delivery.objects.filter(
            page__translation_key=page.translation_key,
            account_id=account_id,
            status=Delivery.Status.WAITING_FOR_LANGUAGE,
        )
        .exclude(page=page)
        .first()
    )


def other_language_already_posted(*, page: Page, account_id: int) -> bool:
    """Did the other language go to this account earlier (under an exception)?"""
    return (
        Delivery.objects.live()
        .filter(page__translation_key=page.translation_key, account_id=account_id)
        .exclude(page=page)
        .exclude(status=Delivery.Status.WAITING_FOR_LANGUAGE)
        .exists()
    )


def withdrawn_together(page_ids: list[int]) -> list[int]:
    """The pages and, for a school publishing both languages together, every
    language version of them: withdrawal and takedown remove both languages."""
    together = set(page_ids)
    for page in Page.objects.filter(pk__in=page_ids).specific():
        plan = language_plan_for_page(page)
        if plan.bilingual and plan.parity:
            together |= set(
                Page.objects.filter(translation_key=page.translation_key).values_list(
                    "pk", flat=True
                )
            )
    return sorted(together)
