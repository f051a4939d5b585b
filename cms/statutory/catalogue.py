"""Load the statutory lists from ``requirements.toml`` into the database.

``requirements_sync`` runs after every ``migrate`` and from
``manage.py sync_statutory_requirements``: items are matched by key, so a release
that adds, renames or removes an item keeps every school's records. A renamed item
remembers its previous title and the release that changed it; a removed one is
marked retired, never deleted.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

DATA_FILE = Path(__file__).with_name("requirements.toml")
CADENCES = {"deadline", "annual", "new_report", "keep_current"}
SCHOOL_TYPES = {"maintained_la", "maintained_own", "academy", "wales_maintained"}
PHASES = {"primary", "secondary", "sixth_form"}


class CatalogueError(ValueError):
    """The data file is not a valid requirement list."""


@dataclass
class SyncReport:
    release: str
    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"Statutory lists {self.release}: {len(self.added)} added, "
            f"{len(self.renamed)} renamed, {len(self.retired)} retired."
        )


def _deadline(item: dict) -> tuple[int | None, int | None]:
    if item["cadence"] != "deadline":
        return None, None
    try:
        month, day = (int(part) for part in item["deadline"].split("-"))
    except (KeyError, ValueError) as error:
        raise CatalogueError(f"{item['key']}: deadline must be MM-DD") from error
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise CatalogueError(f"{item['key']}: no such date {item['deadline']}")
    return month, day


def catalogue_read(path: Path = DATA_FILE) -> tuple[str, list[dict]]:
    """The release name and the items, checked, in list order."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"not readable: {error}") from error
    if not data.get("release"):
        raise CatalogueError("the file does not say which release it is")
    lists = {entry["key"] for entry in data.get("list", [])}
    items, seen = [], set()
    for position, item in enumerate(data.get("item", []), start=1):
        key = item.get("key", "")
        if not key or key in seen:
            raise CatalogueError(f"item {position}: missing or repeated key {key!r}")
        seen.add(key)
        missing = [name for name in ("title", "source") if not item.get(name)]
        if missing:
            raise CatalogueError(f"{key}: missing {', '.join(missing)}")
        if item.get("list") not in lists:
            raise CatalogueError(f"{key}: unknown list {item.get('list')!r}")
        if item.get("cadence") not in CADENCES:
            raise CatalogueError(f"{key}: unknown cadence {item.get('cadence')!r}")
        if not set(item.get("applies_to", [])) <= SCHOOL_TYPES or not item.get(
            "applies_to"
        ):
            raise CatalogueError(f"{key}: applies_to must name kinds of school")
        if not set(item.get("phases", [])) <= PHASES:
            raise CatalogueError(f"{key}: unknown phase in {item.get('phases')}")
        if item.get("basis") not in ("must", "should"):
            raise CatalogueError(f"{key}: basis must be must or should")
        month, day = _deadline(item)
        items.append(
            {
                "key": key,
                "statutory_list": item["list"],
                "position": position,
                "title": item["title"],
                "applies_to": item["applies_to"],
                "phases": item.get("phases", []),
                "basis": item["basis"],
                "cadence": item["cadence"],
                "deadline_month": month,
                "deadline_day": day,
                "web_page_required": bool(item.get("web_page", False)),
                "source": item["source"],
            }
        )
    return str(data["release"]), items


@transaction.atomic
def requirements_sync(path: Path = DATA_FILE, *, model=None) -> SyncReport:
    """Bring the requirement table up to the data file; keep every school's records.

    ``model``: the historical model when run from a migration.
    """
    if model is None:
        from .models import StatutoryRequirement as model  # noqa: N813
    release, items = catalogue_read(path)
    report = SyncReport(release=release)
    existing = {requirement.key: requirement for requirement in model.objects.all()}
    for values in items:
        requirement = existing.pop(values["key"], None)
        if requirement is None:
            model.objects.create(release=release, **values)
            report.added.append(values["key"])
            continue
        if requirement.title != values["title"]:
            requirement.previous_title = requirement.title
            requirement.changed_in = release
            report.renamed.append(values["key"])
        for name, value in values.items():
            setattr(requirement, name, value)
        requirement.release = release
        requirement.retired_in = ""
        requirement.save()
    for requirement in existing.values():
        if not requirement.retired_in:
            requirement.retired_in = release
            requirement.save(update_fields=["retired_in"])
            report.retired.append(requirement.key)
    return report


def requirements_sync_after_migrate(*, using: str = "default", **kwargs) -> None:
    """``post_migrate`` receiver: a release's list is in the database once migrated.

    Skipped while migrations are still unapplied (``migrate`` to an older one), when
    today's table may not exist yet.
    """
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    requirements_sync()
