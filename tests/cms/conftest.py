import pytest

from tests.school_site import SchoolSite, build_school_site


@pytest.fixture
def school(home_page) -> SchoolSite:
    return build_school_site(home_page)
