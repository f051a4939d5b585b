"""The statutory lists are versioned data; a new release keeps each school's records."""

import pytest
from django.core.management import CommandError, call_command

from cms.statutory.catalogue import (
    DATA_FILE,
    CatalogueError,
    catalogue_read,
    requirements_sync,
)
from cms.statutory.models import (
    Phase,
    SchoolType,
    StatutoryRecord,
    StatutoryRequirement,
)

pytestmark = pytest.mark.django_db


def test_the_shipped_lists_load_in_order_with_their_deadlines():
    release, items = catalogue_read()
    keys = [item["key"] for item in items]
    assert release
    assert keys.index("contact_details") < keys.index("pupil_premium")
    requirement = StatutoryRequirement.objects.get(key="pupil_premium")
    assert (requirement.deadline_month, requirement.deadline_day) == (12, 31)
    assert (
        StatutoryRequirement.objects.get(key="admissions_normal_entry").deadline_month
        == 3
    )
    assert StatutoryRequirement.objects.filter(statutory_list="wales").count() >= 4
    # Loaded after migrate: every item is in the database.
    assert StatutoryRequirement.objects.count() == len(items)


@pytest.mark.parametrize(
    ("school_type", "phase", "sixth_form", "included", "excluded"),
    [
        (SchoolType.MAINTAINED_LA, Phase.PRIMARY, False,
         {"admissions_la_pointer", "results_ks2", "pe_sport_premium"},
         {"results_ks4", "trust_accounts", "admissions_normal_entry", "cy_prospectus"}),
        (SchoolType.ACADEMY, Phase.SECONDARY, True,
         {"trust_accounts", "results_ks4", "results_16_18", "admissions_normal_entry"},
         {"results_ks2", "governance_maintained", "admissions_la_pointer"}),
        (SchoolType.WALES_MAINTAINED, Phase.PRIMARY, False,
         {"cy_prospectus", "cy_governors_report", "cy_welsh_education_plan"},
         {"pupil_premium", "contact_details"}),
    ],
)  # fmt: skip
def test_each_type_of_school_gets_its_own_list(
    school_type, phase, sixth_form, included, excluded
):
    applicable = {
        requirement.key
        for requirement in StatutoryRequirement.objects.all()
        if requirement.applies(
            school_type=school_type, phase=phase, sixth_form=sixth_form
        )
    }
    assert included <= applicable
    assert not excluded & applicable


def release_file(tmp_path, release, items):
    lines = [f'release = "{release}"', "[[list]]", 'key = "england"', 'title = "E"']
    for key, title in items:
        lines += [
            "[[item]]", f'key = "{key}"', 'list = "england"', f'title = "{title}"',
            'applies_to = ["academy"]', 'basis = "must"', 'cadence = "annual"',
            'source = "test"',
        ]  # fmt: skip
    path = tmp_path / "requirements.toml"
    path.write_text("\n".join(lines))
    return path


def test_a_new_release_renames_and_retires_items_and_keeps_the_schools_records(
    tmp_path, site
):
    requirement = StatutoryRequirement.objects.get(key="complaints")
    record = StatutoryRecord.objects.create(site=site, requirement=requirement)

    report = requirements_sync(
        release_file(tmp_path, "2027-09", [("complaints", "Complaints policy")])
    )

    requirement.refresh_from_db()
    assert requirement.title == "Complaints policy"
    assert requirement.previous_title == "Complaints procedure"
    assert requirement.changed_in == "2027-09"
    assert "complaints" in report.renamed
    retired = StatutoryRequirement.objects.get(key="behaviour_policy")
    assert retired.retired_in == "2027-09"
    assert "behaviour_policy" in report.retired
    assert StatutoryRecord.objects.filter(pk=record.pk).exists()

    # The next release brings it back: nothing was lost.
    requirements_sync(DATA_FILE)
    retired.refresh_from_db()
    assert retired.retired_in == ""


def test_a_broken_data_file_is_refused_with_the_reason(tmp_path):
    path = release_file(tmp_path, "bad", [("complaints", "A"), ("complaints", "B")])
    with pytest.raises(CatalogueError, match="repeated key 'complaints'"):
        requirements_sync(path)
    assert StatutoryRequirement.objects.get(key="complaints").title == (
        "Complaints procedure"
    )


def test_the_command_reports_what_changed(capsys):
    call_command("sync_statutory_requirements")
    assert "0 added, 0 renamed, 0 retired" in capsys.readouterr().out


def test_the_command_explains_a_broken_file(tmp_path):
    bad = tmp_path / "requirements.toml"
    bad.write_text('release = "x"\n[[item]]\nkey = "a"\nlist = "nowhere"\n')
    with pytest.raises(CommandError, match="a: missing title, source"):
        call_command("sync_statutory_requirements", file=str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("sync_statutory_requirements", file=str(tmp_path / "none.toml"))
