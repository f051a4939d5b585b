"""What each staff role may do, as docs/staff/roles.md lists it (P1, A3).

Checked through Wagtail's own permission objects and, for the rights the issue
found too wide, through the admin as staff would use it.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from moderation.roles import APPROVERS, EDITORS, SAFEGUARDING, SENIOR_LEADERSHIP
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    UserFactory,
    school_collection,
)
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

images = policy_registry.get_by_type(get_image_model())
documents = policy_registry.get_by_type(get_document_model())


def member(*groups, **fields):
    user = UserFactory(**fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_wagtails_moderators_group_is_gone():
    assert not Group.objects.filter(name="Moderators").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {
        EDITORS,
        APPROVERS,
        SENIOR_LEADERSHIP,
        SAFEGUARDING,
    }


def test_editors_draft_and_upload_but_neither_publish_nor_delete_media(home_page):
    editor = member(EDITORS)
    pages = home_page.permissions_for_user(editor)

    assert pages.can_add_subpage() and pages.can_edit()
    assert not pages.can_publish()
    assert images.user_has_permission(editor, "add")
    assert documents.user_has_permission(editor, "add")
    assert not editor.has_perm("wagtailimages.delete_image")
    assert not editor.has_perm("wagtaildocs.delete_document")
    assert not editor.has_perm("auth.change_user")


def test_an_editor_cannot_delete_their_own_upload_in_the_admin():
    editor = member(EDITORS)
    root = school_collection()
    image = ImageFactory(uploaded_by_user=editor, collection=root)
    document = DocumentFactory(uploaded_by_user=editor, collection=root)
    client = signed_in(editor)
    # They may still edit their upload (positive control for their rights there).
    assert images.user_has_permission_for_instance(editor, "change", image)

    client.post(reverse("wagtailimages:delete", args=[image.pk]))
    response = client.post(
        reverse("wagtaildocs:delete", args=[document.pk]), follow=True
    )

    assert "are not deleted here" in response.content.decode()
    assert get_image_model().objects.filter(pk=image.pk).exists()
    assert get_document_model().objects.filter(pk=document.pk).exists()
    # Positive control: the site administrator can.
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    signed_in(admin).post(reverse("wagtailimages:delete", args=[image.pk]))
    assert not get_image_model().objects.filter(pk=image.pk).exists()


def test_approvers_publish_through_the_workflow_and_manage_no_one(home_page):
    approver = member(APPROVERS)
    pages = home_page.permissions_for_user(approver)

    assert pages.can_publish()
    assert not approver.has_perm("wagtailimages.delete_image")
    assert not approver.has_perm("auth.change_user")
    assert not approver.has_perm("publishing.change_socialaccount")


def test_senior_leadership_decides_accounts_and_reads_the_register(home_page):
    head = member(SENIOR_LEADERSHIP)

    assert home_page.permissions_for_user(head).can_publish()
    assert head.has_perm("publishing.change_socialaccount")
    assert head.has_perm("moderation.view_learner")
    assert not head.has_perm("moderation.add_consentrecord")
    assert not head.has_perm("moderation.view_do_not_publish_reason")
    assert not head.has_perm("auth.change_user")
    client = signed_in(head)
    assert client.get(reverse("two_factor:report")).status_code == 200
    assert client.get(reverse("two_factor:staff")).status_code == 200


def test_safeguarding_keeps_the_register_and_publishes_nothing(home_page):
    dsl = member(SAFEGUARDING)

    assert dsl.has_perm("moderation.add_consentrecord")
    assert dsl.has_perm("moderation.view_do_not_publish_reason")
    assert not home_page.permissions_for_user(dsl).can_publish()
    assert not home_page.permissions_for_user(dsl).can_edit()
    assert not dsl.has_perm("wagtailimages.delete_image")
    assert not dsl.has_perm("auth.change_user")


@pytest.mark.parametrize("role", [EDITORS, APPROVERS, SAFEGUARDING])
def test_only_senior_leadership_and_the_administrator_see_the_sign_in_log(role):
    response = signed_in(member(role)).get(reverse("two_factor:report"))

    assert response.status_code in (302, 403)


def test_only_the_administrator_manages_staff_and_roles():
    for role in (EDITORS, APPROVERS, SENIOR_LEADERSHIP, SAFEGUARDING):
        response = signed_in(member(role)).get(reverse("wagtailusers_users:index"))
        assert response.status_code in (302, 403), role
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert signed_in(admin).get(reverse("wagtailusers_users:index")).status_code == 200


def test_an_editor_cannot_bulk_delete_images():
    editor = member(EDITORS)
    image = ImageFactory(uploaded_by_user=editor, collection=school_collection())
    url = reverse("wagtail_bulk_action", args=("cms", "schoolimage", "delete"))

    response = signed_in(editor).post(f"{url}?id={image.pk}", follow=True)

    assert "are not deleted here" in response.content.decode()
    assert get_image_model().objects.filter(pk=image.pk).exists()
