"""Import the learner register from the school's management information system (CSV).

Columns (first row is the header; names are case-insensitive; order does not matter):

========================  ========  ================================================
column                    required  meaning
========================  ========  ================================================
external_id               yes       the learner's id in the MIS; re-importing
                                    updates the learner with this id, never
                                    duplicates them
first_name                yes       as used in school (to spot full names, C3)
last_name                 yes
known_as                  no        the first name the learner goes by, if not the
                                    legal one (e.g. "Millie"); read for full names
year_group                no        class or year, e.g. "Year 3" or "3B"
consent_website           no        yes / no (blank: nothing recorded in this file)
consent_closed_social     no        yes / no: the school's closed/private accounts
consent_public_social     no        yes / no: public accounts (C4)
consent_press             no        yes / no
consent_newsletter_email  no        yes / no: photos in the school's emails to
                                    families (newsletters, email updates)
consent_date              if any    when the parent decided: YYYY-MM-DD or
                          consent   DD/MM/YYYY
consent_expires_on        no        when the consent ends, usually the end of the
                                    school year
left_on                   no        leaving date; from that day images are withdrawn
do_not_publish            no        yes puts the learner on the do-not-publish list
                                    (C2); blank or no never takes anyone off it
                                    (only the safeguarding lead does, in the admin)
do_not_publish_reason     no        seen only by the safeguarding lead
========================  ========  ================================================

The file must be UTF-8 (Excel: "CSV UTF-8") and at most LEARNER_IMPORT_MAX_BYTES.
Every row is checked first; one bad row means nothing is saved, and every problem is
reported with its line number and column. A "no" that replaces a "yes", consent whose
expiry date has already passed, a new do-not-publish entry or a past leaving date runs
the withdrawal cascade at once (C1, C2).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation.models import ConsentRecord, ConsentUse, Learner
from moderation.signals import consent_withdrawn
from schools.models import default_school_id

from .cascade import consent_cascade
from .lapses import consent_lapse_schedule_on_commit
from .rules import USE_WORDS
from .selectors import pictured_learner_ids
from .services import DO_NOT_PUBLISH, LEFT_SCHOOL, expired_reason

logger = logging.getLogger(__name__)

REQUIRED = ("external_id", "first_name", "last_name")
CONSENT_COLUMNS = {
    "consent_website": ConsentUse.WEBSITE,
    "consent_closed_social": ConsentUse.CLOSED_SOCIAL,
    "consent_public_social": ConsentUse.PUBLIC_SOCIAL,
    "consent_press": ConsentUse.PRESS,
    "consent_newsletter_email": ConsentUse.NEWSLETTER_EMAIL,
}
OPTIONAL = (
    "known_as",
    "year_group",
    *CONSENT_COLUMNS,
    "consent_date",
    "consent_expires_on",
    "left_on",
    "do_not_publish",
    "do_not_publish_reason",
)
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
MAX_LENGTHS = {
    "external_id": 64,
    "first_name": 100,
    "last_name": 100,
    "known_as": 100,
    "year_group": 50,
}
BATCH = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file; the header is line 1; 0: the whole file
    column: str  # "" when the problem is the whole file or row
    reason: str

    def __str__(self) -> str:
        if not self.line:
            return self.reason
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class ImportRefused(Exception):
    """The file was not imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported")


@dataclass
class LearnerRow:
    line: int
    external_id: str
    first_name: str
    last_name: str
    year_group: str | None
    known_as: str | None
    consent: dict[str, bool]
    consent_date: datetime.date | None
    consent_expires_on: datetime.date | None
    left_on: datetime.date | None
    do_not_publish: bool
    do_not_publish_reason: str | None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    consent_records: int = 0
    cascades: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


def learners_import(
    *,
    data: bytes,
    recorded_by: str,
    user=None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    site=None,
) -> ImportResult:
    """Validate the whole file, then apply it in one transaction (or raise).

    Args:
        data: the raw file.
        recorded_by: who the consent records say recorded them, e.g. "MIS import by
            Mrs Jones".
        user: the member of staff importing (audit and the cascade's emails).
        today: the day leaving dates are judged by.
        progress: called as ``progress(rows_done, rows_total)`` while working.
        site: the school whose register it is (default: the default site's);
            MIS ids are matched within that school only.

    Raises:
        ImportRefused: with every problem; nothing was changed.
    """
    today = today or timezone.localdate()
    rows = _parse(data, progress=progress)
    with transaction.atomic():
        result = _apply(
            rows, recorded_by=recorded_by, user=user, today=today, site=site
        )
    logger.info(
        "Learner import: %d created, %d updated, %d consent records, %d cascades",
        result.created,
        result.updated,
        result.consent_records,
        result.cascades,
        extra={"event": "consent.import"},
    )
    return result


def size_error(size: int) -> RowError | None:
    """The refusal for a file of ``size`` bytes, or None if it is small enough."""
    limit = settings.LEARNER_IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return RowError(
        0,
        "",
        f"The file is {size / 1_048_576:.1f} MB; the limit is "
        f"{limit / 1_048_576:.1f} MB. Export only the columns listed, or split the "
        "file. Nothing was imported.",
    )


def _parse(data: bytes, *, progress: Progress | None) -> list[LearnerRow]:
    if too_big := size_error(len(data)):
        raise ImportRefused([too_big])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            [
                RowError(
                    line,
                    "",
                    "The file is not UTF-8 text. In Excel choose Save As > "
                    "'CSV UTF-8 (Comma delimited)'.",
                )
            ]
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([RowError(1, "", "The file is empty.")]) from None
    except csv.Error as error:
        raise ImportRefused([RowError(1, "", f"Not a CSV file: {error}")]) from None
    columns = [name.strip().lower() for name in header]
    errors = _check_header(columns)
    if errors:
        raise ImportRefused(errors)

    raw_rows = []
    try:
        for values in reader:
            raw_rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ImportRefused(
            [RowError(reader.line_num, "", f"Cannot read this line: {error}")]
        ) from None

    rows: list[LearnerRow] = []
    first_seen: dict[str, int] = {}
    total = len(raw_rows)
    for done, (line, values) in enumerate(raw_rows, start=1):
        if progress and (done % 1000 == 0 or done == total):
            progress(done, total)
        if not any(value.strip() for value in values):
            continue  # blank lines at the end of an export
        if len(values) != len(columns):
            errors.append(
                RowError(
                    line,
                    "",
                    f"Has {len(values)} fields; the header has {len(columns)}.",
                )
            )
            continue
        row = _parse_row(line, dict(zip(columns, values, strict=True)), errors)
        if row is None:
            continue
        if row.external_id in first_seen:
            errors.append(
                RowError(
                    line,
                    "external_id",
                    f"{row.external_id!r} is also on line "
                    f"{first_seen[row.external_id]}; each learner once per file.",
                )
            )
            continue
        first_seen[row.external_id] = line
        rows.append(row)
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([RowError(2, "", "The file has a header but no learners.")])
    return rows


def _check_header(columns: list[str]) -> list[RowError]:
    errors = []
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        errors.append(
            RowError(
                1, ", ".join(missing), "Required column(s) missing from the header."
            )
        )
    known = set(REQUIRED) | set(OPTIONAL)
    for name in columns:
        if name not in known:
            errors.append(
                RowError(1, name, "Unknown column; see the documented column names.")
            )
    duplicated = {name for name in columns if columns.count(name) > 1}
    for name in sorted(duplicated):
        errors.append(RowError(1, name, "This column appears twice."))
    return errors


def _parse_row(line: int, raw: dict[str, str], errors: list[RowError]):
    values = {name: value.strip() for name, value in raw.items()}
    before = len(errors)

    def error(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    for name in REQUIRED:
        if not values.get(name):
            error(name, "Required; this cell is empty.")
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            error(name, f"Longer than {limit} characters.")

    def yes_no(column: str) -> bool | None:
        value = values.get(column, "").lower()
        if not value:
            return None
        if value in YES:
            return True
        if value in NO:
            return False
        error(column, f"{values[column]!r} is not yes or no.")
        return None

    def date(column: str) -> datetime.date | None:
        value = values.get(column, "")
        if not value:
            return None
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(value, date_format).date()
            except ValueError:
                continue
        error(column, f"{value!r} is not a real date (use YYYY-MM-DD or DD/MM/YYYY).")
        return None

    consent = {}
    for column, use in CONSENT_COLUMNS.items():
        answer = yes_no(column)
        if answer is not None:
            consent[use] = answer
    consent_date = date("consent_date")
    expires_on = date("consent_expires_on")
    if consent and not values.get("consent_date"):
        error("consent_date", "Required when a consent column is filled in.")
    if consent_date and expires_on and expires_on < consent_date:
        error("consent_expires_on", "Is before the consent date.")
    left_on = date("left_on")
    do_not_publish = yes_no("do_not_publish")
    if len(errors) > before:
        return None
    return LearnerRow(
        line=line,
        external_id=values["external_id"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        year_group=values.get("year_group") if "year_group" in values else None,
        known_as=values.get("known_as") if "known_as" in values else None,
        consent=consent,
        consent_date=consent_date,
        consent_expires_on=expires_on,
        left_on=left_on,
        do_not_publish=bool(do_not_publish),
        do_not_publish_reason=values.get("do_not_publish_reason") or None,
    )


def _apply(
    rows: list[LearnerRow], *, recorded_by: str, user, today: datetime.date, site
) -> ImportResult:
    result = ImportResult(rows=len(rows))
    site_id = site.pk if site is not None else default_school_id()
    existing = {
        learner.external_id: learner
        for learner in Learner.objects.filter(site_id=site_id)
    }
    to_create: list[Learner] = []
    to_update: list[Learner] = []
    newly_barred: set[str] = set()
    newly_left: set[str] = set()
    for row in rows:
        learner = existing.get(row.external_id)
        if learner is None:
            learner = Learner(site_id=site_id, external_id=row.external_id)
            to_create.append(learner)
        changed = _copy_row(row, learner)
        if learner.pk is None:
            continue
        if changed:
            to_update.append(learner)
        else:
            result.unchanged += 1
        if "do_not_publish" in changed:
            newly_barred.add(row.external_id)
        if "left_on" in changed and row.left_on and row.left_on <= today:
            newly_left.add(row.external_id)
    Learner.objects.bulk_create(to_create, batch_size=BATCH)
    Learner.objects.bulk_update(
        to_update,
        [
            "first_name",
            "last_name",
            "known_as",
            "year_group",
            "left_on",
            "do_not_publish",
            "do_not_publish_reason",
            "updated_at",
        ],
        batch_size=BATCH,
    )
    result.created, result.updated = len(to_create), len(to_update)
    learners = {learner.external_id: learner for learner in to_create + to_update}
    learners.update({k: v for k, v in existing.items() if k not in learners})

    current = _current_consent()
    records: list[ConsentRecord] = []
    withdrawn: dict[str, list[str]] = {}
    expired: dict[str, list[tuple[str, datetime.date]]] = {}
    now = timezone.now()
    for row in rows:
        learner = learners[row.external_id]
        for use, given in row.consent.items():
            previous = current.get((learner.pk, use))
            wanted = (given, row.consent_date, row.consent_expires_on)
            if previous == wanted:
                continue
            records.append(
                ConsentRecord(
                    learner=learner,
                    use=use,
                    given=given,
                    given_on=row.consent_date,
                    expires_on=row.consent_expires_on,
                    recorded_by=recorded_by,
                    recorded_by_user=user,
                    recorded_at=now,
                )
            )
            if not given and (previous is None or previous[0]):
                withdrawn.setdefault(row.external_id, []).append(use)
            elif given and row.consent_expires_on and row.consent_expires_on < today:
                # Consent that ended before it was imported: judged as of today.
                records[-1].lapse_handled_at = now
                expired.setdefault(row.external_id, []).append(
                    (use, row.consent_expires_on)
                )
    ConsentRecord.objects.bulk_create(records, batch_size=BATCH)
    consent_lapse_schedule_on_commit()  # bulk_create sends no signals
    result.consent_records = len(records)
    result.cascades = _cascade(
        learners, withdrawn=withdrawn, barred=newly_barred, left=newly_left, user=user
    ) + _cascade_expired(learners, expired=expired, user=user)
    return result


def _copy_row(row: LearnerRow, learner: Learner) -> set[str]:
    """Copy the row onto the learner; return the names of fields that changed."""
    wanted = {"first_name": row.first_name, "last_name": row.last_name}
    if row.year_group is not None:
        wanted["year_group"] = row.year_group
    if row.known_as is not None:
        wanted["known_as"] = row.known_as
    if row.left_on is not None:
        wanted["left_on"] = row.left_on
    if row.do_not_publish:  # an import never takes anyone off the list
        wanted["do_not_publish"] = True
    if row.do_not_publish_reason is not None:
        wanted["do_not_publish_reason"] = row.do_not_publish_reason
    changed = set()
    for name, value in wanted.items():
        if getattr(learner, name) != value:
            setattr(learner, name, value)
            changed.add(name)
    if changed:
        learner.updated_at = timezone.now()
    return changed


def _current_consent() -> dict[tuple[int, str], tuple]:
    """(learner id, use) -> (given, given_on, expires_on) of the newest record."""
    current: dict[tuple[int, str], tuple] = {}
    rows = ConsentRecord.objects.order_by(
        "learner_id", "use", "-recorded_at", "-pk"
    ).values_list("learner_id", "use", "given", "given_on", "expires_on")
    for learner_id, use, given, given_on, expires_on in rows.iterator(chunk_size=5000):
        current.setdefault((learner_id, use), (given, given_on, expires_on))
    return current


def _cascade(learners, *, withdrawn, barred, left, user) -> int:
    """Run the withdrawal cascade for pictured learners whose consent just ended."""
    pictured = pictured_learner_ids()
    cascades = 0
    for external_id in sorted(set(withdrawn) | barred | left):
        learner = learners[external_id]
        if learner.pk not in pictured:
            uses = set(withdrawn.get(external_id, []))
            if external_id in barred or external_id in left or uses - {PRESS}:
                _tell_the_ledger(learner)
            continue
        if external_id in barred or external_id in left:
            reason = DO_NOT_PUBLISH if external_id in barred else LEFT_SCHOOL
            consent_cascade(learner=learner, use=None, reason=reason, user=user)
            cascades += 1
            continue
        for use in withdrawn[external_id]:
            consent_cascade(
                learner=learner,
                use=use,
                reason=f"consent for {USE_WORDS[ConsentUse(use)]} withdrawn",
                user=user,
            )
            cascades += 1
    return cascades


def _cascade_expired(learners, *, expired, user) -> int:
    """Withdraw uses whose imported consent had already expired, at once."""
    pictured = pictured_learner_ids()
    cascades = 0
    for external_id in sorted(expired):
        learner = learners[external_id]
        if learner.do_not_publish:
            continue
        if learner.pk not in pictured:
            if any(use != ConsentUse.PRESS for use, _ in expired[external_id]):
                _tell_the_ledger(learner)
            continue
        for use, expired_on in expired[external_id]:
            consent_cascade(
                learner=learner,
                use=use,
                reason=expired_reason(use=use, expired_on=expired_on),
                user=user,
            )
            cascades += 1
    return cascades


PRESS = ConsentUse.PRESS.value


def _tell_the_ledger(learner: Learner) -> None:
    """A learner no image is tagged with now may still be in posts sent earlier.

    The full cascade (and its emails) is for learners pictured in the library; the
    signal alone lets publishing take down any post its ledger says pictured them.
    """
    consent_withdrawn.send(
        sender=Learner,
        image_ids=[],
        document_ids=[],
        learner_id=learner.pk,
        reason="consent ended",
    )
