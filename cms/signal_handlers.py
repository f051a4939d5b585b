"""Keep public copies in step with pages and media (cms/public_media.py, issue 9).

Every path that makes a page live, changes its live content, unpublishes, expires
or deletes it ends in a save or delete of the page row, so public copies follow
those; view restrictions and media changes (consent clearance, a new file) are
followed here too. ``public_media_reconcile`` (cron) catches anything else.
A trust's notice approved or ended is purged from a CDN on each of its schools; a
trust's notices folder and its senior leaders keep its notices group in step.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from schools.models import TrustRole

from . import cdn_purge, public_media, trust_notice_access
from .models import TrustNoticePage, TrustNoticesPage
from .preparation import services as preparation_services

#: Page fields that change no published content: saves of only these are skipped.
PAGE_BOOKKEEPING_FIELDS = frozenset(
    {
        "draft_title",
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "go_live_at",
        "numchild",
    }
)
#: Media fields whose change cannot make an item public or private.
MEDIA_BOOKKEEPING_FIELDS = frozenset({"public_files"})


def _bookkeeping_only(update_fields, bookkeeping) -> bool:
    return update_fields is not None and set(update_fields) <= bookkeeping


def remember_live_media(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save / pre_delete of a page: what its stored live content uses."""
    if raw or not isinstance(instance, Page) or instance.pk is None:
        return
    if kwargs.get("signal") is pre_delete:
        preparation_services.preparations_stop_for_page(
            page_id=instance.pk, problem=_("The page was deleted.")
        )
    if _bookkeeping_only(update_fields, PAGE_BOOKKEEPING_FIELDS):
        return
    stored = Page.objects.filter(pk=instance.pk, live=True).first()
    if stored is not None:
        instance._public_media_before = public_media.media_used_by(stored)


def follow_page(sender, instance, raw=False, update_fields=None, **kwargs):
    """post_save / post_delete of a page: copies for what it uses, none for the rest."""
    if raw or not isinstance(instance, Page):
        return
    if _bookkeeping_only(update_fields, PAGE_BOOKKEEPING_FIELDS):
        return
    before = getattr(instance, "_public_media_before", (set(), set()))
    public_media.page_media_sync(page=instance, used_before=before)
    instance._public_media_before = (set(), set())


def follow_view_restriction(sender, instance, raw=False, **kwargs):
    """A login-only page's media are not public by URL; lifting it publishes them."""
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return
    for live_page in page.get_descendants(inclusive=True).live().specific():
        used = public_media.media_used_by(live_page)
        public_media.page_media_sync(page=live_page, used_before=used)


def follow_media(sender, instance, raw=False, update_fields=None, **kwargs):
    """An item's clearance, withdrawal or file changed: public or private again."""
    if raw or _bookkeeping_only(update_fields, MEDIA_BOOKKEEPING_FIELDS):
        return
    if not instance.is_publishable_now:
        # Before the copies are synced: a page waiting for them must not go live.
        preparation_services.preparations_stop_for_item(
            item=instance,
            problem=_(
                "Consent for someone pictured in “%(title)s” no longer allows it on "
                "the website, so the page was not published."
            )
            % {"title": instance.title},
        )
    public_media.media_sync(item=instance)


def delete_public_copies(sender, instance, **kwargs):
    preparation_services.preparations_stop_for_item(
        item=instance,
        problem=_("“%(title)s” was deleted, so the page was not published.")
        % {"title": instance.title},
    )
    public_media.public_copies_delete(item=instance)


def stop_preparing_unpublished(sender, instance, **kwargs):
    """Unpublished (or expired, or taken down) while its new version was prepared."""
    preparation_services.preparations_stop_for_page(
        page_id=instance.pk,
        problem=_(
            "The page was unpublished, so the approved version was not published."
        ),
    )


def follow_trust_folder(sender, instance, raw=False, **kwargs):
    """A trust's notices folder made: its senior leaders may write notices in it."""
    if not raw:
        trust_notice_access.trust_notices_group_ensure(trust=instance.trust)


def follow_trust_role(sender, instance, raw=False, **kwargs):
    """A trust role given or taken away: the trust's notices group follows."""
    if not raw and TrustNoticesPage.objects.filter(trust_id=instance.trust_id).exists():
        trust_notice_access.trust_notices_group_ensure(trust=instance.trust)


def purge_trust_notice(sender, instance, **kwargs):
    """A trust's notice approved or ended: the CDN forgets its schools' pages."""
    cdn_purge.trust_notice_purge(notice=instance)


def register() -> None:
    """Connect cms's receivers (called from CmsConfig.ready())."""
    cdn_purge.register()
    post_save.connect(
        follow_trust_folder,
        sender=TrustNoticesPage,
        dispatch_uid="cms.trust_notice_access.folder",
    )
    for signal in (post_save, post_delete):
        signal.connect(
            follow_trust_role,
            sender=TrustRole,
            dispatch_uid=f"cms.trust_notice_access.role.{signal is post_save}",
        )
    for signal in (page_published, page_unpublished):
        signal.connect(
            purge_trust_notice,
            sender=TrustNoticePage,
            dispatch_uid=f"cms.cdn_purge.trust_notice.{signal is page_published}",
        )
    pre_save.connect(remember_live_media, dispatch_uid="cms.public_media.pre_save")
    pre_delete.connect(remember_live_media, dispatch_uid="cms.public_media.pre_del")
    post_save.connect(follow_page, dispatch_uid="cms.public_media.post_save")
    post_delete.connect(follow_page, dispatch_uid="cms.public_media.post_delete")
    page_unpublished.connect(
        stop_preparing_unpublished, dispatch_uid="cms.preparation.unpublished"
    )
    for signal in (post_save, post_delete):
        signal.connect(
            follow_view_restriction,
            sender=PageViewRestriction,
            dispatch_uid=f"cms.public_media.restriction.{signal is post_save}",
        )
    for model in (get_image_model(), get_document_model()):
        post_save.connect(
            follow_media,
            sender=model,
            dispatch_uid=f"cms.public_media.media.{model._meta.label}",
        )
        post_delete.connect(
            delete_public_copies,
            sender=model,
            dispatch_uid=f"cms.public_media.media_deleted.{model._meta.label}",
        )
