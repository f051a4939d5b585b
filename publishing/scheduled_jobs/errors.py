"""A job that works school by school and failed for some of them."""

from __future__ import annotations


class SchoolsFailed(Exception):
    """The job did its work for every school but those in ``problems``.

    Raised by a job's run after it has done what it could, so the run is recorded
    as failed (and tried again) while each school's staff see only their own
    school's reason, and the others are not told of it.

    Args:
        problems: site id -> why the job failed for that school, in words for
            its staff.
        names: site id -> the school's name, for the installation's summary.
        done: what the run did for the other schools.
    """

    def __init__(self, *, problems: dict[int, str], names: dict[int, str], done: str):
        self.problems = problems
        summary = " ".join(f"{names[pk]}: {reason}" for pk, reason in problems.items())
        super().__init__(f"{summary} ({done})")
