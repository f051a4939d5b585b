"""The site administrator's view of emails that could not be sent (Django admin)."""

from django.contrib import admin

from .models import FailedEmail


@admin.register(FailedEmail)
class FailedEmailAdmin(admin.ModelAdmin):
    """Read-only: the cron sweep sends them again; deleting one gives it up."""

    list_display = ("subject", "attempts", "failed_at", "next_attempt_at", "error")
    readonly_fields = [field.name for field in FailedEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
