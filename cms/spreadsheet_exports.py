"""CSV exports from the admin that a spreadsheet cannot mistake for formulas.

Wagtail's reports (site history, ageing pages, locked pages, workflows), the redirects
listing and any listing with ``list_export`` write CSV through
``SpreadsheetExportMixin``, which writes text as it is. A page title or a log message
such as ``=HYPERLINK("http://evil", "Click")`` then runs as a formula when staff open
the export in a spreadsheet (CSV injection, OWASP). Every text cell, headings
included, that starts with one of the characters spreadsheets read as the start of a
formula gets a leading apostrophe, which spreadsheets show as text. Wagtail's XLSX
export already stores such cells as text.

How: ``FormulaSafeCsvMixin`` overrides the mixin's own per-cell hook
(``preprocess_field_value``) and ``get_heading`` in subclasses; no Wagtail method is
replaced. Our export views inherit it; Wagtail's own export views are subclassed here
and served from their usual addresses by ``wagtail_export_urlpatterns`` (listed in
config/urls.py before Wagtail's admin, so they answer first). A test walks every URL
and fails on any export view without the mixin, so a view added by a Wagtail upgrade
is caught.
"""

from __future__ import annotations

from django.urls import URLPattern, path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.contrib.redirects.views import IndexView as RedirectIndexView
from wagtail.utils.urlpatterns import decorate_urlpatterns

#: The characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value):
    """``value`` as a CSV cell that is never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeCsvMixin:
    """Mix into a ``SpreadsheetExportMixin`` view: no CSV cell is ever a formula."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return csv_cell(value) if export_format == self.FORMAT_CSV else value

    def get_heading(self, queryset, field):
        # Headings can be staff-typed (a form field's label); the XLSX export stores
        # them as text already, so only CSV needs the apostrophe.
        heading = super().get_heading(queryset, field)
        if self.request.GET.get("export") == self.FORMAT_CSV:
            return csv_cell(heading)
        return heading


class SafeLockedPagesView(FormulaSafeCsvMixin, LockedPagesView):
    pass


class SafeWorkflowView(FormulaSafeCsvMixin, WorkflowView):
    pass


class SafeWorkflowTasksView(FormulaSafeCsvMixin, WorkflowTasksView):
    pass


class SafeLogEntriesView(FormulaSafeCsvMixin, LogEntriesView):
    pass


class SafeAgingPagesView(FormulaSafeCsvMixin, AgingPagesView):
    pass


class SafeRedirectIndexView(FormulaSafeCsvMixin, RedirectIndexView):
    pass


#: Wagtail's export views, by their address under /admin/ (wagtail/admin/urls/
#: reports.py and wagtail/contrib/redirects/urls.py).
_WAGTAIL_EXPORTS = {
    "reports/locked/": SafeLockedPagesView,
    "reports/workflow/": SafeWorkflowView,
    "reports/workflow_tasks/": SafeWorkflowTasksView,
    "reports/site-history/": SafeLogEntriesView,
    "reports/aging-pages/": SafeAgingPagesView,
    "redirects/": SafeRedirectIndexView,
}


def wagtail_export_urlpatterns() -> list[URLPattern]:
    """Wagtail's export views, formula-safe, at their own addresses under /admin/.

    Each listing and its ``results/`` fragment (which the filters reload) are served
    by the subclass, behind the same admin-access check as Wagtail's admin URLs; the
    URL names stay Wagtail's, which reverse to these same addresses.
    """
    patterns = []
    for address, view_class in _WAGTAIL_EXPORTS.items():
        patterns += [
            path(address, view_class.as_view()),
            path(f"{address}results/", view_class.as_view(results_only=True)),
        ]
    return decorate_urlpatterns(patterns, require_admin_access)
