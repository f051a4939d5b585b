"""Benchmark: `import_learners` with a 10,000-row CSV, then the same file again.

Target: under 30 s. Runs standalone on a throwaway SQLite database under var/ (never
the real one): `.venv/bin/python bench/import_learners.py`.
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = ROOT / "var" / "bench-import-learners.sqlite3"
CSV = ROOT / "var" / "bench-learners.csv"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"

ROWS = 10_000
HEADER = (
    "external_id,first_name,last_name,year_group,consent_website,"
    "consent_closed_social,consent_public_social,consent_press,consent_date,"
    "consent_expires_on,left_on,do_not_publish"
)


def write_csv() -> int:
    lines = [HEADER]
    for n in range(ROWS):
        yes_no = ("yes", "no")
        lines.append(
            f"M{n:06d},First{n},Last{n},Year {n % 6 + 1},{yes_no[n % 2]},"
            f"{yes_no[n % 3 == 0]},{yes_no[n % 5 != 0]},no,2026-09-05,2027-07-31,,"
            f"{'yes' if n % 500 == 0 else ''}"
        )
    CSV.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return CSV.stat().st_size


def timed_import() -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_learners", str(CSV), stdout=out)
    elapsed = time.perf_counter() - started
    return elapsed, out.getvalue().strip().splitlines()[-1]


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    size = write_csv()
    print(f"import_learners: {ROWS} rows, {size / 1024:.0f} KB (target: < 30 s)")
    first, summary = timed_import()
    print(f"  first import: {first:.2f} s  ({summary})")
    again, summary = timed_import()
    print(f"  same file again: {again:.2f} s  ({summary})")


if __name__ == "__main__":
    DATABASE.parent.mkdir(exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    try:
        main()
    finally:
        DATABASE.unlink(missing_ok=True)
        CSV.unlink(missing_ok=True)
