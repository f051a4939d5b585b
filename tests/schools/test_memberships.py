"""Schools, their role groups and staff memberships (issue 23 item 1).

Wagtail's own permissions do the guarding: each school's group for a role holds the
page permissions on that school's root page and the media permissions on its
collection; these tests read them through Wagtail's permission objects and the admin.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from moderation.roles import EDITORS, SAFEGUARDING
from schools.models import SchoolMembership, SchoolRoleGroup
from schools.services import membership_add, membership_remove
from tests.factories import UserFactory, staff
from tests.twofactor import login_verified

pytestmark = pytest.mark.django_db

images = policy_registry.get_by_type(get_image_model())


def test_an_editor_edits_pages_and_media_of_their_school_only(two_schools):
    editor = staff("alderley-editor", EDITORS, site=two_schools.a.site)
    home_a = two_schools.a.site.root_page
    home_b = two_schools.b.site.root_page

    assert home_a.permissions_for_user(editor).can_add_subpage()
    assert not home_b.permissions_for_user(editor).can_add_subpage()
    assert not home_b.permissions_for_user(editor).can_edit()
    assert images.user_has_permission_for_instance(
        editor, "change", two_schools.a.image
    )
    assert not images.user_has_permission_for_instance(
        editor, "change", two_schools.b.image
    )


def test_a_user_added_to_a_school_whose_group_was_deleted_gets_it_back(two_schools):
    site_b = two_schools.b.site
    earlier = staff("earlier-editor", EDITORS, site=site_b)
    group = SchoolRoleGroup.objects.get(site=site_b, role=EDITORS).group
    group.delete()  # by mistake, in Wagtail's group screens
    assert not site_b.root_page.permissions_for_user(earlier).can_edit()

    newcomer = UserFactory(username="new-editor")
    membership_add(user=newcomer, site=site_b, role=EDITORS)

    remade = SchoolRoleGroup.objects.get(site=site_b, role=EDITORS).group
    assert remade.pk != group.pk
    for person in (newcomer, earlier):
        person = type(person).objects.get(pk=person.pk)  # permissions afresh
        assert site_b.root_page.permissions_for_user(person).can_add_subpage()
        assert not two_schools.a.site.root_page.permissions_for_user(person).can_edit()


def test_ticking_a_schools_group_in_wagtails_screens_makes_a_membership(two_schools):
    user = UserFactory(username="ticked")
    group = SchoolRoleGroup.objects.get(site=two_schools.b.site, role=SAFEGUARDING)

    user.groups.add(group.group)

    assert SchoolMembership.objects.filter(
        user=user, site=two_schools.b.site, role=SAFEGUARDING
    ).exists()
    assert user.groups.filter(name=SAFEGUARDING).exists()  # the role's permissions


def test_leaving_the_only_school_in_a_role_leaves_the_role(two_schools):
    user = staff("two-schools", EDITORS, site=two_schools.a.site)
    membership_add(user=user, site=two_schools.b.site, role=EDITORS)

    membership_remove(user=user, site=two_schools.a.site, role=EDITORS)
    assert user.groups.filter(name=EDITORS).exists()  # still an editor at B
    membership_remove(user=user, site=two_schools.b.site, role=EDITORS)

    assert not user.groups.filter(name=EDITORS).exists()
    assert not Group.objects.get(name=EDITORS).user_set.filter(pk=user.pk).exists()


def test_staff_of_two_schools_switch_between_them(two_schools):
    """Their media are in both schools' collections (Wagtail's own listing shows
    both); a school's own register follows the school they chose to work in."""
    user = staff("both", SAFEGUARDING, site=two_schools.a.site)
    membership_add(user=user, site=two_schools.b.site, role=SAFEGUARDING)
    client = Client()
    login_verified(client, user)
    url = reverse("learners:index")

    first = client.get(url).content.decode()
    client.post(reverse("schools_work_in"), {"site": two_schools.b.site.pk})
    second = client.get(url).content.decode()

    assert "Alderleylearner" in first and "Bramblewoodlearner" not in first
    assert "Bramblewoodlearner" in second and "Alderleylearner" not in second


def test_switching_to_a_school_that_is_not_ones_own_is_refused(two_schools):
    user = staff("alderley-only", EDITORS, site=two_schools.a.site)
    client = Client()
    login_verified(client, user)

    refused = client.post(reverse("schools_work_in"), {"site": two_schools.b.site.pk})
    nonsense = client.post(reverse("schools_work_in"), {"site": "abc"})
    listing = client.get(reverse("wagtailimages:index")).content.decode()

    assert refused.status_code == 400 and nonsense.status_code == 400
    assert "That is not one of your schools." in refused.content.decode()
    assert "Alderley picture" in listing and "Bramblewood picture" not in listing
