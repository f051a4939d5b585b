"""Reloading what the migrations made, for each transactional test, in a few queries.

Django's serialized rollback reloads the migrated rows (about 800: permissions,
content types, the default site and its pages, role groups, the workflow) one
``Model.save()`` at a time, an UPDATE and an INSERT each: most of a transactional
test's set-up. This inserts them table by table instead, as raw saves do: every field
as serialized (timestamps too), each table of an inherited model from its own rows,
the many-to-many links after them, in a tenth of the time (a fifteenth on
PostgreSQL). The tables end up holding exactly the rows the migrations left. (Django's
way also sends each row's save signals: on PostgreSQL the page cache's receivers then
record five content changes the migrations never made. The links' own ids may be
numbered in another order; the links are the same.)

The first transactional test after the migrations finds those rows still there (every
test before it ran in a transaction): Django's way, which updates a row it finds, does
that reload.
"""

from __future__ import annotations

from collections import defaultdict
from io import StringIO

from django.core import serializers
from django.db import IntegrityError, transaction
from django.db.backends.base.creation import BaseDatabaseCreation

_row_by_row = BaseDatabaseCreation.deserialize_db_from_string


def reload_migrated_rows(creation, data: str) -> None:
    """``deserialize_db_from_string``'s job (``creation`` is the connection's)."""
    connection = creation.connection
    alias = connection.alias
    rows_by_model = defaultdict(list)
    links_by_through = defaultdict(list)
    for deserialized in serializers.deserialize("json", StringIO(data), using=alias):
        row = deserialized.object
        rows_by_model[type(row)].append(row)
        for name, targets in (deserialized.m2m_data or {}).items():
            field = type(row)._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            links_by_through[through].extend(
                through(**{source: row.pk, target: target_pk}) for target_pk in targets
            )
    try:
        with transaction.atomic(using=alias):
            _insert_all(connection, rows_by_model, links_by_through)
    except IntegrityError:  # the rows are there already
        _row_by_row(creation, data)


def _insert_all(connection, rows_by_model, links_by_through) -> None:
    with connection.constraint_checks_disabled():
        for model, rows in rows_by_model.items():
            fields = [
                field
                for field in model._meta.local_concrete_fields
                if not field.generated
            ]
            _insert(connection, model, rows, fields, raw=True)
        for through, links in links_by_through.items():
            fields = [
                field
                for field in through._meta.local_concrete_fields
                if not field.primary_key
            ]
            _insert(connection, through, links, fields, raw=False)
        connection.check_constraints(
            table_names=[
                model._meta.db_table for model in [*rows_by_model, *links_by_through]
            ]
        )


def _insert(connection, model, rows, fields, *, raw: bool) -> None:
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    for start in range(0, len(rows), batch):
        model._base_manager._insert(
            rows[start : start + batch],
            fields=fields,
            using=connection.alias,
            raw=raw,
        )
