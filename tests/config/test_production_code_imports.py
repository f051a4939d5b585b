"""Production code never imports `tests/` (ARCHITECTURE.md).

`make run`, the demo-accounts command and bench/ start the network emulators; when
they imported them from tests/, a deployment without the tests (or a test helper
changed for a test's sake) broke the demo. Every module outside tests/ is read with
the `ast` module: no `import tests...`, no `from tests... import`, and no
`python -m tests...` string.
"""

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "var", "tests", "node_modules", ".git"}
TESTS_MODULE = re.compile(r"^tests(\.\w+)*$")


def production_modules() -> list[Path]:
    return [
        path
        for path in BASE_DIR.rglob("*.py")
        if not SKIPPED & set(path.relative_to(BASE_DIR).parts)
    ]


def imports_of_tests(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value] if "." in node.value else []
        else:
            continue
        found += [
            f"{path.relative_to(BASE_DIR)}:{node.lineno} {name}"
            for name in names
            if TESTS_MODULE.match(name)
        ]
    return found


def test_the_walk_reads_the_code_that_starts_the_emulators():
    walked = {str(path.relative_to(BASE_DIR)) for path in production_modules()}
    assert {
        "config/devstack.py",
        "publishing/management/commands/connect_demo_social_accounts.py",
        "bench/support/publishing_stack.py",
        "bench/consent_check.py",
        "emulators/serve.py",
    } <= walked


def test_no_production_module_imports_tests():
    found = [line for path in production_modules() for line in imports_of_tests(path)]
    assert found == []
