"""CSV exports from the admin that a spreadsheet cannot mistake for formulas.

Wagtail's reports (site history, ageing pages, locked pages, workflows, form
submissions, any listing with ``list_export``) all write CSV through
``SpreadsheetExportMixin.write_csv_row``, which writes text as it is. A page title or a
log message such as ``=HYPERLINK("http://evil", "Click")`` then runs as a formula when
staff open the export in a spreadsheet (CSV injection, OWASP). Every text cell that
starts with one of the characters spreadsheets read as the start of a formula gets a
leading apostrophe, which spreadsheets show as text. Wagtail's XLSX export already
stores such cells as text.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

#: The characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value):
    """``value`` as a CSV cell that is never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv_row(self, writer, row_dict):
    return writer.writerow(
        {
            field: csv_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        }
    )


def install() -> None:
    """Make every Wagtail CSV export escape formulas (from ``CmsConfig.ready``).

    One method of Wagtail's mixin is replaced rather than each report view, so
    exports added by Wagtail upgrades or other apps are covered without a list.
    """
    SpreadsheetExportMixin.write_csv_row = _write_csv_row
