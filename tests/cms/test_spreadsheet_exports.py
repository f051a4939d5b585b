"""Admin CSV exports never hand a spreadsheet a formula (CSV injection)."""

import csv
import io

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
