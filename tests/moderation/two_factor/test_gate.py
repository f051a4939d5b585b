"""Every admin URL refuses a session without a verified second factor."""

from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import DocumentFactory, StandardPageFactory
from tests.twofactor import login_verified

LOGIN = reverse("wagtailadmin_login")


@pytest.fixture
def admin_urls(home_page) -> list[str]:
    page = StandardPageFactory(parent=home_page)
    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = DocumentFactory(collection=private)
    return [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{page.pk}/",
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/{page.pk}/edit/preview/",
        f"/admin/pages/{page.pk}/revisions/",
        f"/admin/pages/{page.pk}/unpublish/",
        f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}",
        "/admin/api/main/pages/",
        "/admin/choose-page/",
        "/admin/images/",
        "/admin/images/chooser/",
        "/admin/documents/",
        "/admin/documents/chooser/",
        "/admin/snippets/",
        "/admin/users/",
        "/admin/reports/site-history/",
        "/admin/workflows/list/",
        "/admin/account/",
        "/admin/rq/",
        "/admin/rq/queues/0/",
        "/admin/django/",
        "/admin/django/auth/user/",
        "/admin/two-factor/devices/",
        "/admin/two-factor/step-up/",
        "/admin/two-factor/log/",
        "/admin/media/original_images/any.jpg",  # private media (issue 9)
        reverse("wagtaildocs_serve", args=(document.pk, document.filename)),
    ]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(admin_urls):
    client = Client()
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlparse(response["Location"]).path == LOGIN, url


@pytest.mark.django_db
def test_password_only_session_is_sent_to_the_code_page(admin_urls, editor):
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    client = Client()
    client.force_login(editor)
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor:verify")), url


@pytest.mark.django_db
def test_password_only_session_without_an_app_is_sent_to_enrol(admin_urls, editor):
    client = Client()
    client.force_login(editor)
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor:enrol")), url


@pytest.mark.django_db
def test_post_is_refused_too(home_page, editor):
    client = Client()
    client.force_login(editor)

    response = client.post(f"/admin/pages/{home_page.pk}/edit/", {"title": "Hacked"})

    assert response.status_code == 302
    home_page.refresh_from_db()
    assert home_page.title != "Hacked"


@pytest.mark.django_db
def test_verified_session_reaches_the_admin(admin_urls, editor):
    client = Client()
    login_verified(client, editor)
    for url in ["/admin/", "/admin/pages/", "/admin/two-factor/devices/"]:
        # The page explorer opens at the editor's own school's home page.
        assert client.get(url, follow=True).status_code == 200, url


@pytest.mark.django_db
def test_sign_in_page_and_public_site_stay_open(home_page, editor):
    client = Client()
    assert client.get(LOGIN).status_code == 200
    assert client.get(home_page.url).status_code == 200
    client.force_login(editor)
    assert client.get(home_page.url).status_code == 200


@pytest.mark.django_db
def test_private_page_needs_the_second_factor(home_page, editor):
    from wagtail.models import PageViewRestriction

    page = home_page
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    anonymous, password_only, verified = Client(), Client(), Client()
    password_only.force_login(editor)
    login_verified(verified, editor)

    assert urlparse(anonymous.get(page.url)["Location"]).path == LOGIN
    assert password_only.get(page.url)["Location"].startswith(
        reverse("two_factor:verify")
    )
    assert verified.get(page.url).status_code == 200


@pytest.mark.django_db
def test_job_queue_dashboard_refuses_accounts_without_staff_status(editor):
    client = Client()
    login_verified(client, editor)

    assert client.get("/admin/rq/").status_code == 403
