import pytest
from wagtail.models import Page, Site

from cms.statutory.models import SchoolType, StatutorySettings
from home.models import HomePage
from moderation import roles
from tests.factories import StandardPageFactory, staff


@pytest.fixture
def site(home_page) -> Site:
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def community_primary(site) -> StatutorySettings:
    """The default site as an English community primary school."""
    settings = StatutorySettings.for_site(site)
    settings.school_type = SchoolType.MAINTAINED_LA
    settings.save()
    return settings


@pytest.fixture
def head(db):
    return staff(
        "head",
        roles.HEADTEACHER,
        roles.SENIOR_LEADERSHIP,
        email="head@school.example",
        first_name="Helen",
        last_name="Morgan",
    )


@pytest.fixture
def editor(db):
    return staff("editor", roles.EDITORS, email="editor@school.example")


@pytest.fixture
def published_page(home_page):
    return StandardPageFactory(parent=home_page, title="Behaviour policy")


def other_school() -> Site:
    """A second school on the same installation, with its own home page."""
    home = HomePage(title="Other school", slug="other-school")
    Page.get_first_root_node().add_child(instance=home)
    return Site.objects.create(hostname="other.example", root_page=home)
