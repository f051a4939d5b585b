"""The school's choice of policy page, and who acknowledged which version of it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="doc-full")
class SocialMediaPolicy(BaseSiteSetting):
    """Which of the school's pages is its social-media policy."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("policy page"),
        help_text=_(
            "The published page with the school's social-media policy. Staff who run "
            "the school's accounts acknowledge it before using the inbox, connecting "
            "an account or acting on its posts, and again after each change is "
            "published."
        ),
    )

    panels = [FieldPanel("page")]

    class Meta:
        verbose_name = _("Social media policy")

    def clean(self) -> None:
        super().clean()
        if self.page_id is None:
            return
        root = self.site.root_page
        if not (self.page.pk == root.pk or self.page.is_descendant_of(root)):
            raise ValidationError(
                {"page": _("Choose a page of this school's own website.")}
            )
        if not self.page.live:
            raise ValidationError(
                {"page": _("Choose a published page: staff must be able to read it.")}
            )


class PolicyAcknowledgement(models.Model):
    """``user`` read and understood version ``version`` of the school's policy."""

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
    )
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_title = models.CharField(max_length=255)
    version = models.PositiveIntegerField(help_text="The page's live revision")
    version_published_at = models.DateTimeField(null=True)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "user", "page", "version"],
                name="policy_acknowledged_once_per_version",
            )
        ]
