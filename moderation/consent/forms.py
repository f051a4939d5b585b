"""The learner picker on the image and document edit forms (C1, C2, C5).

Editors tagging a photo see each learner's name with a consent status ("consent:
website ✓, closed social ✓, public social ✗, press ✗" or "do not publish"), never the
register itself and never a do-not-publish reason. Only learners still on roll can
be chosen; those already tagged stay listed so the tag is not lost on save.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import get_text_list
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm
from wagtail.log_actions import log

from cms.image_limits import image_pixels_check
from moderation.models import Learner, MediaMatch

from .audit import LOOSENED
from .cascade import media_recheck
from .duplicates import media_inherit_from_copies, media_pass_on_to_documents
from .live_media import (
    loosening_changes,
    media_lookalikes_pending,
    media_matches,
    media_protection,
    refusal_message,
)
from .selectors import consent_summary, current_consent


class LearnerPickerWidget(forms.CheckboxSelectMultiple):
    """Tick boxes under a type-to-filter box: a register has hundreds of names.

    Tick boxes work with a thumb on a phone, where a multiple select needs Ctrl-click.
    """

    template_name = "moderation/consent/widgets/learner_picker.html"

    class Media:
        js = ["moderation/js/learner_picker.js"]
        css = {"all": ["moderation/css/staff.css"]}


class LearnerChoiceField(forms.ModelMultipleChoiceField):
    """Learners labelled with their consent status, from one query of the register."""

    def __init__(self, *args, **kwargs):
        self.summaries: dict[int, str] = {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, learner: Learner) -> str:
        return f"{learner} — {self.summaries.get(learner.pk, '')}"


class ConsentTaggingMixin:
    """Swaps the plain learners field for the picker; checks the declaration.

    Also holds the rule for live media (``live_media.py``): a change that makes an
    item that is live, posted or a recognised copy less safe is refused unless the
    consent officer makes it with a fresh code, and is then written to the audit log.
    """

    editing_user = None
    step_up_fresh = False
    loosened: list[str] = []

    def _setup_learner_picker(self) -> None:
        if getattr(self.instance, "is_withdrawn", False):
            # The original left public storage: a withdrawn item keeps its file (a
            # new photo is a new upload), and Django would re-read the missing file.
            self.fields.pop("file", None)
        if "learners" not in self.fields:
            return
        tagged = (
            list(self.instance.learners.values_list("pk", flat=True))
            if self.instance.pk
            else []
        )
        queryset = Learner.objects.filter(
            pk__in=Learner.objects.on_roll().values("pk")
        ) | Learner.objects.filter(pk__in=tagged)
        old = self.fields["learners"]
        field = LearnerChoiceField(
            queryset=queryset.order_by("last_name", "first_name"),
            required=False,
            label="Learners pictured",
            help_text=old.help_text,
            widget=LearnerPickerWidget(),
        )
        learners = list(field.queryset)
        consent = current_consent(learner_ids=[learner.pk for learner in learners])
        field.summaries = {
            learner.pk: consent_summary(
                learner=learner, records=consent.get(learner.pk, {})
            )
            for learner in learners
        }
        self.fields["learners"] = field
        matches = media_matches(self.instance)
        if matches:
            inside = any(
                match.how == MediaMatch.How.PICTURE_INSIDE for match in matches
            )
            field.help_text = (
                (
                    "This document contains a copy of "
                    if inside
                    else "This is a copy of "
                )
                + get_text_list([match.description for match in matches], "and")
                + ". It keeps the learners tagged there; only the consent officer "
                "can remove them."
            )
        lookalikes = media_lookalikes_pending(self.instance)
        if lookalikes:
            titles = get_text_list([f"“{m.matched_title}”" for m in lookalikes], "and")
            field.help_text = (
                f"{field.help_text} This looks like {titles}, withdrawn because "
                "consent ended for someone in it. The consent officer has been asked "
                "whether it is the same picture."
            )

    def _explain_alt_text(self) -> None:
        """Name the image description for what it is: the alt text read aloud."""
        description = self.fields.get("description")
        if description is None:
            return
        description.label = "Description (alt text)"
        description.help_text = (
            "What the photo shows, for people who cannot see it: screen readers "
            "read this aloud. First names only."
        )

    def save(self, commit=True):
        new_file = self.instance.pk is None or "file" in self.changed_data
        item = super().save(commit=commit)
        if commit and new_file:
            # A new file, after the form saved its learners: a copy of an earlier
            # picture keeps that picture's learners and withdrawal whatever the form
            # said. (Later edits are judged by the live-media rule instead.)
            media_inherit_from_copies(item=item, user=self.editing_user)
        if commit and getattr(item, "is_picture", False):
            # Tags added to a photo reach the documents it was placed in.
            media_pass_on_to_documents(image=item, user=self.editing_user)
        if commit:
            if self.loosened:
                log(
                    instance=item,
                    action=LOOSENED,
                    user=self.editing_user,
                    data={"changes": self.loosened, "protected": self.protection},
                )
            # A live item whose new tags break the rules leaves publication at once.
            media_recheck(item=item, user=self.editing_user)
        return item

    def clean(self):
        cleaned = super().clean()
        learners = cleaned.get("learners")
        if learners and cleaned.get("no_identifiable_learners"):
            raise ValidationError(
                "Either choose the learners pictured or tick 'no identifiable "
                "learners', not both."
            )
        pictures_people = bool(learners) or bool(
            (cleaned.get("staff_pictured") or "").strip()
        )
        if (
            "description" in self.fields
            and pictures_people
            and not getattr(self.instance, "is_withdrawn", False)
            and not (cleaned.get("description") or "").strip()
        ):
            self.add_error(
                "description",
                "Describe the photo: it shows people, and screen readers read the "
                "description aloud in its place.",
            )
        self._check_live_media_rule(cleaned)
        return cleaned

    def _check_live_media_rule(self, cleaned) -> None:
        self.loosened = []
        self.protection = media_protection(self.instance)
        if self.protection is None:
            return
        changes = loosening_changes(
            self.instance,
            learner_ids={learner.pk for learner in cleaned.get("learners") or []},
            no_identifiable_learners=bool(cleaned.get("no_identifiable_learners")),
            new_file="file" in self.changed_data and bool(cleaned.get("file")),
        )
        if not changes:
            return
        refusal = refusal_message(
            item=self.instance,
            changes=changes,
            protection=self.protection,
            user=self.editing_user,
            fresh=self.step_up_fresh,
        )
        if refusal:
            raise ValidationError(refusal)
        self.loosened = changes


class TeacherFirstFieldsMixin:
    """What a teacher must answer first; the rest under "More about this photo".

    A teacher uploading a photo from a phone needs the file, what it shows and who
    is in it. The name in the media library (from the file name), the copyright
    holder (the school, by default), a credit, staff pictured and keywords for
    finding it later keep sensible defaults and sit in a closed section the
    upload box renders with ``optional_field_names`` (plain HTML, no script).
    """

    first_field_names = ("file", "description", "learners", "no_identifiable_learners")
    optional_field_names = (
        "title",
        "copyright_holder",
        "credit",
        "staff_pictured",
        "staff_consent_confirmed",
        "tags",
        "collection",
    )

    def _put_teacher_fields_first(self) -> None:
        self.order_fields(
            [
                *self.first_field_names,
                *(name for name in self.fields if name not in self.first_field_names),
            ]
        )
        labels = {
            "file": "Photo",
            "title": "Name in the media library",
            "tags": "Keywords to find it later",
            "no_identifiable_learners": "No learner can be recognised",
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        title = self.fields.get("title")
        if title is not None:
            title.required = False
            title.help_text = "The file's name unless you give it another."
        tags = self.fields.get("tags")
        if tags is not None:
            tags.help_text = "Optional: words staff can search for, e.g. sports day."

    def clean_title(self) -> str:
        """An empty name becomes the file's name, as Wagtail's script would make it."""
        title = (self.cleaned_data.get("title") or "").strip()
        if title:
            return title
        # "file" comes first in the form, so it is cleaned already.
        file = self.cleaned_data.get("file") or getattr(self.instance, "file", None)
        name = PurePath(getattr(file, "name", "") or "").stem
        return re.sub(r"[_-]+", " ", name).strip() or "Photo"


class ConsentTaggedImageForm(
    TeacherFirstFieldsMixin, ConsentTaggingMixin, BaseImageForm
):
    upload_noun = "photo"

    def __init__(self, *args, **kwargs):
        self.editing_user = kwargs.get("user")  # Wagtail's form pops it
        self.step_up_fresh = kwargs.pop("step_up_fresh", False)
        super().__init__(*args, **kwargs)
        self._setup_learner_picker()
        self._explain_alt_text()
        self._put_teacher_fields_first()

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file is not None and file is not getattr(self.instance, "file", None):
            image_pixels_check(file)
        return file


class ConsentTaggedDocumentForm(ConsentTaggingMixin, BaseDocumentForm):
    def __init__(self, *args, **kwargs):
        self.editing_user = kwargs.get("user")  # Wagtail's form pops it
        self.step_up_fresh = kwargs.pop("step_up_fresh", False)
        super().__init__(*args, **kwargs)
        self._setup_learner_picker()
        self._explain_file_contents()

    def _explain_file_contents(self) -> None:
        """What reading the file found (issue 20): said where the file is chosen."""
        document = self.instance
        file_field = self.fields.get("file")
        if file_field is None or document.pk is None or not document.contents_read:
            return
        notes = []
        if document.file_problem:
            notes.append(f"This file cannot be published: {document.file_problem}")
        pictures = len(document.embedded_pictures)
        if pictures:
            notes.append(
                f"It has {pictures} picture{'s' if pictures > 1 else ''} inside: "
                "choose the learners pictured, as for a photo."
            )
        if document.hidden_properties:
            notes.append(
                "Its hidden properties (such as author and title) are removed from "
                "the copy on the website."
            )
        if notes:
            file_field.help_text = " ".join([*notes, str(file_field.help_text)])
