"""Shared fixtures: the default site's home page, an author and an approver, a
fresh folder for public copies and a real Redis."""

import django_rq
import pytest
from django.core.cache import caches
from django.core.files.storage import storages
from wagtail.models import Site

from cms.caching.generation import forget_local_copy
from home.models import HomePage
from moderation import roles
from tests.emulator_fixtures import (  # noqa: F401  (shared fixtures)
    bluesky_emulator,
    cdn_emulator,
    facebook_emulator,
    feed_server,
    instagram_emulator,
    mail_sink,
    postmark_emulator,
    public_web,
    push_service,
    x_emulator,
)
from tests.factories import staff
from tests.migrated_rows import reload_migrated_rows

#: Tests that take minutes and use no test database (they start their own stacks):
#: first, so that in `make test` one process runs each while the others take the
#: rest, instead of the suite waiting for them at its end.
LONG_RUNNING_FIRST = ("tests/config/test_devstack.py", "tests/config/test_cluster.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's order (database tests, transactional ones, the rest),
    which this keeps for everything else."""
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_RUNNING_FIRST))


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows_reloaded_in_bulk():
    """Serialized rollback reloads the migrated rows table by table, not row by row
    (tests/migrated_rows.py): the same rows, in a tenth of the time."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            BaseDatabaseCreation, "deserialize_db_from_string", reload_migrated_rows
        )
        yield


@pytest.fixture(autouse=True)
def migrated_data_restored(django_db_serialized_rollback):
    """Transactional tests start from what the migrations made, whatever ran before.

    A transactional test (threads, worker processes, browser journeys) ends by
    emptying every table. With serialized rollback the next one reloads the migrated
    rows (default site, root page, role groups, workflow); mixing tests with and
    without it would reload content types over recreated ones. So every test asks for
    it; tests that run inside a transaction are not affected.
    """


@pytest.fixture
def home_page(db) -> HomePage:
    """The HomePage that migrations make the default site's root."""
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def author(db):
    """An editor who writes the page under review."""
    return staff("author", roles.EDITORS)


@pytest.fixture
def approver(db):
    """An approver, not the author, who may approve the author's page."""
    return staff("approver", roles.APPROVERS)


@pytest.fixture
def public_storage(settings, tmp_path):
    """A fresh public-copies folder per test, as nginx would serve it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "public_media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(tmp_path / "public-media"),
                "base_url": settings.PUBLIC_MEDIA_URL,
            },
        },
    }
    return storages["public_media"]


@pytest.fixture
def redis_connection():
    """The real Redis the queues use (embedded or REDIS_URL), emptied around a test."""
    connection = django_rq.get_connection("default")
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches (pages, chrome, renditions, generation).

    The database is rolled back after every test; the local-memory caches are not,
    and a page or rendition cached by one test (ids come round again) must not be
    served to the next. What processes keep per content generation (sites, chrome,
    restrictions) goes with the generation: the next one is new.
    """
    for cache in caches.all():
        cache.clear()
    forget_local_copy()
