"""Admin forms: propose an account, decide on it, paste tokens, act on a delivery."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Site

from publishing.models import SocialAccount
from publishing.services.accounts import account_business_case_changed
from publishing.social_policy.services import current_policy, has_acknowledged
from schools.current import school_staff
from schools.services import school_name

BUSINESS_CASE_FIELDS = [
    "name",
    "network",
    "handle",
    "visibility",
    "aim",
    "audience",
    "promotion_plan",
    "access_locations",
    "monitoring_plan",
    "escalation_procedure",
    "owner",
    "managers",
]


def _staff_name(user) -> str:
    return user.get_full_name() or user.get_username()


class SocialPostForm(WagtailAdminModelForm):
    """A page's post for one account, in the page editor.

    Only the page's school's own accounts are offered or accepted, and choosing one
    needs the school's social media policy acknowledged first, as on every other
    screen that puts an account in someone's hands (``publishing.social_policy``).
    A post already on the page keeps its account without asking again.
    """

    def __init__(self, *args, school: Site | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.fields.get("account")
        if account is not None:
            accounts = SocialAccount.objects.all()
            account.queryset = (
                accounts.filter(site=school) if school else accounts.none()
            )

    def clean_account(self):
        account = self.cleaned_data.get("account")
        user = self.for_user
        if account is None or user is None or "account" not in self.changed_data:
            return account
        if has_acknowledged(user=user, site=account.site):
            return account
        policy = current_policy(account.site)
        raise ValidationError(
            gettext(
                "Read %(school)s's social media policy and acknowledge it before "
                "choosing an account: %(address)s"
            )
            % {"school": school_name(account.site), "address": policy.url}
        )


class SocialAccountForm(WagtailAdminModelForm):
    """The business case (A1) with owner and managers (A2); no secrets here."""

    class Meta:
        model = SocialAccount
        fields = BUSINESS_CASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The school's own staff: another school's are neither listed nor accepted.
        staff = school_staff(self.instance.site if self.instance.site_id else None)
        self.fields["owner"].queryset = staff
        self.fields["managers"].queryset = staff
        # People choose colleagues by name, not by username.
        self.fields["owner"].label_from_instance = _staff_name
        self.fields["managers"].label_from_instance = _staff_name
        self.fields["managers"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["managers"].choices
        )

    def clean_managers(self):
        managers = self.cleaned_data["managers"]
        if len([user for user in managers if user.is_active]) < 2:
            raise forms.ValidationError(
                "Choose at least two members of staff to manage the account."
            )
        return managers

    def save(self, commit=True):
        """A new account is proposed by the form's user, who cannot approve it.

        A change to a decided account's business case sends it back to senior
        leadership (``account_business_case_changed``).
        """
        is_new = self.instance.pk is None
        if is_new and self.for_user is not None:
            self.instance.proposed_by = self.for_user
        account = super().save(commit=commit)
        if commit and not is_new:
            account_business_case_changed(
                account=account,
                changed_fields=[
                    name for name in self.changed_data if name in BUSINESS_CASE_FIELDS
                ],
                by=self.for_user,
            )
        return account


class DecisionForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Recorded with the decision (required when rejecting)",
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What was checked: who has access, passwords, two-factor sign-in",
    )


class PastedCredentialsForm(forms.Form):
    """An administrator pastes tokens by hand; the fields never show a value back."""

    def __init__(self, *args, network: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in CREDENTIAL_FIELDS[network]:
            self.fields[name] = forms.CharField(
                label=label,
                widget=forms.PasswordInput(render_value=False),
                strip=True,
            )


CREDENTIAL_FIELDS = {
    "x": [
        ("access_token", "Access token"),
        ("access_token_secret", "Access token secret"),
    ],
    "facebook": [
        ("page_id", "Page id"),
        ("page_access_token", "Page access token"),
    ],
    "instagram": [
        ("ig_user_id", "Instagram account id"),
        ("page_access_token", "Access token of the Facebook Page it is linked to"),
    ],
    "bluesky": [
        ("handle", "Handle (e.g. ourschool.bsky.social)"),
        ("app_password", "App password"),
    ],
}


class BlueskyConnectForm(forms.Form):
    """The account's handle and an app password (never the account's own password)."""

    handle = forms.CharField(
        label=_("Handle"),
        max_length=253,
        help_text=_("The account's name on Bluesky, e.g. ourschool.bsky.social"),
    )
    app_password = forms.CharField(
        label=_("App password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Make one in Bluesky: Settings → Privacy and security → App passwords. "
            "It is encrypted when saved and never shown again."
        ),
    )

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lstrip("@")
        if not handle or " " in handle or "." not in handle:
            raise forms.ValidationError(
                _("Write the whole handle, like ourschool.bsky.social.")
            )
        return handle


class MarkSentForm(forms.Form):
    remote_id = forms.CharField(
        label="The post's id on the network", max_length=200, strip=True
    )
    remote_url = forms.URLField(
        label="The post's address", required=False, assume_scheme="https"
    )
