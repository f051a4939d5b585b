"""Migrations: data migrations use only historical models; a fresh database migrates.

A data migration that imports today's code gives a different result whenever that
code changes, and breaks when it is removed. Work that needs today's code (moderation
0007: consent clearance and public copies of media already live) runs after
``migrate`` from a ``post_migrate`` receiver instead, with the same result.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from cms.models import SchoolImage
from tests.factories import NewsPageFactory, learner_with_consent, tagged_image
from tests.school_site import build_school_site

BASE_DIR = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = {"cms", "home", "moderation", "publishing", "config", "tests"}


def migrated_data() -> dict:
    """What the data migrations made, as plain data (also run on a fresh database)."""
    from django.contrib.auth.models import Group
    from wagtail.models import Page, Site, Workflow

    return {
        "groups": {
            group.name: sorted(
                f"{permission.content_type.app_label}.{permission.codename}"
                for permission in group.permissions.all()
            )
            for group in Group.objects.order_by("name")
        },
        "pages": [
            [page.depth, page.title, page.slug, page.live, page.specific_class.__name__]
            for page in Page.objects.order_by("path")
        ],
        "sites": [[site.hostname, site.is_default_site] for site in Site.objects.all()],
        "workflows": {
            workflow.name: [task.name for task in workflow.tasks.order_by("pk")]
            for workflow in Workflow.objects.order_by("name")
        },
    }


def migration_files() -> list[Path]:
    return sorted(
        path
        for package in ("cms", "home", "moderation", "publishing")
        for path in (BASE_DIR / package / "migrations").glob("0*.py")
    )


def project_imports_in_functions(path: Path) -> list[str]:
    """Imports of our own code inside a migration's functions (its RunPython code),
    and module-level imports of our code that those functions use."""
    tree = ast.parse(path.read_text())
    module_level = {
        (alias.asname or alias.name).split(".")[0]: node.lineno
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if (
            (node.module if isinstance(node, ast.ImportFrom) else alias.name) or ""
        ).split(".")[0]
        in PROJECT_PACKAGES
    }
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else ["(relative)"]
            elif isinstance(node, ast.Name) and node.id in module_level:
                modules = [node.id]
            else:
                continue
            found += [
                f"{path.relative_to(BASE_DIR)}:{node.lineno} {module}"
                for module in modules
                if module.split(".")[0] in PROJECT_PACKAGES | {"(relative)"}
            ]
    return found


def test_data_migrations_use_only_historical_models():
    files = migration_files()
    assert any(path.name.startswith("0007_media_clearance") for path in files)
    found = [line for path in files for line in project_imports_in_functions(path)]
    assert found == []


@pytest.fixture
def school(home_page):
    return build_school_site(home_page)


def migration_0007():
    return MigrationLoader(connection).get_migration(
        "moderation", "0007_media_clearance_and_public_copies"
    )


def live_page_with_photo(school):
    image = tagged_image(learner_with_consent(), title="Sports day")
    page = NewsPageFactory(
        parent=school.news_index,
        listing_image=image,
        body=[("image", {"image": image, "caption": "On the field"})],
        live=False,
    )
    page.save_revision().publish()
    return page, image


def as_before_media_privacy(image) -> None:
    """The rows as an install from before migration 0007 has them."""
    SchoolImage.objects.filter(pk=image.pk).update(
        public_files={}, consent_cleared=False, consent_cleared_until=None
    )


def test_an_upgrade_across_0007_makes_the_public_copies_after_migrate(client, school):
    page, image = live_page_with_photo(school)
    assert SchoolImage.objects.get(pk=image.pk).public_files != {}  # control
    as_before_media_privacy(image)
    assert "/media/public/" not in client.get(page.url).content.decode()

    emit_post_migrate_signal(
        0, False, "default", plan=[(migration_0007(), False)], apps=global_apps
    )

    image.refresh_from_db()
    assert image.consent_cleared
    assert image.public_files != {}
    assert "/media/public/" in client.get(page.url).content.decode()


def test_a_later_migrate_or_flush_leaves_media_alone(school):
    _page, image = live_page_with_photo(school)
    as_before_media_privacy(image)

    for plan in ([], None, [(migration_0007(), True)]):  # none, flush, backwards
        emit_post_migrate_signal(0, False, "default", plan=plan, apps=global_apps)

    image.refresh_from_db()
    assert image.public_files == {}
    assert not image.consent_cleared


def migrated_data_of(env: dict[str, str]) -> dict:
    answer = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import json; from tests.config.test_migrations import migrated_data; "
            "print(json.dumps(migrated_data()))",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_a_fresh_database_migrates_from_zero_to_the_same_data(tmp_path, db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }
    migrate = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    fresh = migrated_data_of(env)

    # The same data as the database this test suite migrated (SQLite or PostgreSQL).
    assert fresh == migrated_data()
    assert "publishing.change_delivery" not in fresh["groups"]["Editors"]
    assert "publishing.view_delivery" in fresh["groups"]["Editors"]
    assert [page[-1] for page in fresh["pages"]] == ["Page", "HomePage"]
