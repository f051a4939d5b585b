"""The page editor's form: nothing a teacher must fill lives on a tab they never open.

Wagtail puts the page's web address (its "slug") on the Promote tab and requires
it. The browser fills it from the title as the teacher types, but a title already
used by another page in the same section ("Sports day" every year), or a Submit
pressed before the browser filled it, failed the whole form with the error on the
Promote tab. Here the server chooses the address for a page that has never been
published: from the title, with "-2", "-3"... when it is taken. Once a page is
published its address is kept unless someone changes it deliberately.

Any error that still falls on a field outside the Content tab is also named at the
top of the form, with the tab it is on, so it shows where the teacher is looking.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Site


class SchoolPageForm(WagtailAdminPageForm):
    """Wagtail's page form with a server-chosen web address and visible errors.

    ``school`` is the school the page is in (its parent's), passed to the forms
    of its inline records (a post names one of the school's own social accounts).
    """

    def __init__(self, *args, **kwargs):
        parent = kwargs.get("parent_page")
        # Before Wagtail builds the inline forms, which inherit it.
        self.school = parent.get_site() if parent is not None else None
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and not self._address_is_public:
            slug.required = False
            slug.help_text = (
                "Chosen from the title when the page is first published; change it "
                "only if the address must be different."
            )

    @property
    def _address_is_public(self) -> bool:
        page = self.instance
        return bool(page.pk and (page.live or page.first_published_at))

    def clean(self):
        self._choose_free_address()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()  # the page's own checks, which may fault any field
        self._name_errors_on_hidden_tabs()

    def _address_taken(self, slug: str) -> bool:
        parent = self.parent_page
        if parent is None:
            return False
        siblings = parent.get_children().filter(slug=slug)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        return siblings.exists()

    def _choose_free_address(self) -> None:
        """A never-published page gets a free address from its title."""
        if "slug" not in self.fields or self._address_is_public:
            return
        if "slug" in self._errors:
            return  # characters a web address cannot hold: the teacher typed it
        slug = self.cleaned_data.get("slug") or ""
        if slug and not self._address_taken(slug):
            return
        allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
        base = slug or slugify(
            self.cleaned_data.get("title") or "", allow_unicode=allow_unicode
        )
        if not base:
            return  # no title either: the title's own error says what to do
        candidate, number = base, 1
        while self._address_taken(candidate):
            number += 1
            candidate = f"{base}-{number}"
        self.cleaned_data["slug"] = candidate

    def _hidden_tab_of(self) -> dict[str, str]:
        """Field name -> heading of the tab it is on, for every tab but the first."""
        edit_handler = type(self.instance).get_edit_handler()
        tabs = getattr(edit_handler, "children", [])
        where = {}
        for tab in tabs[1:]:
            options = tab.get_form_options()
            for name in [*options.get("fields", []), *options.get("formsets", [])]:
                where.setdefault(name, tab.heading)
        return where

    def _name_errors_on_hidden_tabs(self) -> None:
        where = self._hidden_tab_of()
        for name, errors in list(self._errors.items()):
            if name == NON_FIELD_ERRORS or name not in where:
                continue
            label = self.fields[name].label if name in self.fields else name
            self.add_error(
                None,
                f"On the “{where[name]}” tab, {label}: {' '.join(errors)}",
            )


class TrustNoticeForm(SchoolPageForm):
    """A trust notice's form: only the trust's own schools can be chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schools = self.fields.get("schools")
        if schools is None:
            return
        folder = self.parent_page.specific if self.parent_page else None
        trust_id = getattr(folder, "trust_id", None)
        schools.queryset = Site.objects.filter(school__trust_id=trust_id).order_by(
            "site_name", "hostname"
        )
        schools.required = True
