"""Compile the interface translations (locale/*/LC_MESSAGES/*.po) into .mo files.

``make install``, ``make run`` and ``make test`` run it (``python -m
config.compile_messages``). Pure Python (polib), so no machine needs GNU gettext's
``msgfmt``, which Django's ``compilemessages`` calls. A .mo newer than its .po is left
alone; a .po that cannot be read stops with its name and the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write each stale .mo beside its .po; return the ones written."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            catalogue = polib.pofile(str(po_path))
        except (OSError, ValueError) as error:
            raise SystemExit(f"{po_path}: cannot be read: {error}") from error
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def main() -> None:
    for mo_path in compile_catalogues():
        sys.stdout.write(f"compiled {mo_path.relative_to(LOCALE_DIR.parent)}\n")


if __name__ == "__main__":
    main()
