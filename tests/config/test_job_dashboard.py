"""The job queue dashboard renders for a verified superuser."""

import pytest

from tests.factories import UserFactory
from tests.twofactor import login_verified


@pytest.mark.django_db
def test_superuser_sees_the_queues_on_the_job_dashboard(client):
    login_verified(client, UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/rq/")
    assert response.status_code == 200
    assert b"publishing" in response.content
    assert b"default" in response.content
