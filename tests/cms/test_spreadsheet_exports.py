"""Admin CSV exports never hand a spreadsheet a formula (CSV injection)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.factories import NewsPageFactory, UserFactory
from tests.twofactor import login_verified

HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTabbed",
]


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="admin", is_superuser=True, is_staff=True)
    login_verified(client, user)
    return client


def exported_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_site_history_export_escapes_cells_that_start_a_formula(admin_client, school):
    for title in [*HOSTILE_TITLES, "Sports day"]:
        NewsPageFactory(parent=school.news_index, title=title)

    response = admin_client.get(
        reverse("wagtailadmin_reports:site_history"), {"export": "csv"}
    )

    assert response.status_code == 200
    cells = [cell for row in exported_rows(response)[1:] for cell in row]
    for title in HOSTILE_TITLES:
        assert "'" + title in cells
        assert title not in cells
    # Positive control: ordinary text is written as it is.
    assert "Sports day" in cells


def test_the_escape_leaves_other_cells_alone():
    from cms.spreadsheet_exports import csv_cell

    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("Sports day - results") == "Sports day - results"
    assert csv_cell(-5) == -5


def _every_address(patterns, prefix=""):
    """Every URL pattern's address, with sample values for its parameters."""
    for pattern in patterns:
        route = getattr(pattern.pattern, "_route", None)
        if route is None:  # a regular expression: none of the exports uses one
            continue
        address = re.sub(r"<int:\w+>", "1", route)
        address = re.sub(r"<(?:\w+:)?\w+>", "sample", address)
        if hasattr(pattern, "url_patterns"):
            yield from _every_address(pattern.url_patterns, prefix + address)
        else:
            yield prefix + address


def test_every_export_answering_at_its_address_escapes_formulas():
    """Whatever view answers at each address, if it exports, it escapes."""
    from django.urls import Resolver404, get_resolver, resolve
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    from cms.spreadsheet_exports import FormulaSafeCsvMixin

    exports, unsafe = set(), []
    for address in _every_address(get_resolver().url_patterns):
        try:
            view = resolve("/" + address).func
        except Resolver404:
            continue
        view_class = getattr(view, "view_class", None)
        if not (view_class and issubclass(view_class, SpreadsheetExportMixin)):
            continue
        # Export is offered only by views with columns to export (``list_export``).
        if view.view_initkwargs.get("list_export") or view_class.list_export:
            exports.add(address)
            if not issubclass(view_class, FormulaSafeCsvMixin):
                unsafe.append(
                    f"{address} {view_class.__module__}.{view_class.__name__}"
                )
    assert {"admin/reports/site-history/", "admin/redirects/"} <= exports
    assert unsafe == []


def test_wagtails_own_export_code_is_not_replaced():
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    for method in ("write_csv_row", "preprocess_field_value", "get_heading"):
        assert getattr(SpreadsheetExportMixin, method).__module__ == (
            "wagtail.admin.views.mixins"
        )


def test_the_redirects_export_and_the_filtered_reports_still_answer(
    admin_client, school
):
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.create(
        old_path="/old-news", redirect_link="-1+1 http://evil.example/"
    )
    response = admin_client.get(reverse("wagtailredirects:index"), {"export": "csv"})
    cells = [cell for row in exported_rows(response) for cell in row]
    assert "'-1+1 http://evil.example/" in cells
    assert "/old-news" in cells

    for name in ("site_history", "aging_pages", "locked_pages", "workflow"):
        listing = admin_client.get(reverse(f"wagtailadmin_reports:{name}"))
        assert listing.status_code == 200
        results = admin_client.get(reverse(f"wagtailadmin_reports:{name}_results"))
        assert results.status_code == 200
