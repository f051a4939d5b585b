"""The README and docs/ name only commands, settings, files and links that exist.

A newcomer copies a command or a variable from the documentation. A variable the code
never reads is worse than a missing one: the server starts, and the setting silently
does nothing. So every name the pages give is checked against the code itself (issue 22,
item 6): environment variables against what the code reads, `manage.py` commands and
their options against Django's own command list, `make` targets against the Makefile,
Python paths by importing them, file paths and links against the checkout, and the
scheduled-jobs table against the job registry. The other way round, every environment
variable the production code reads is in the configuration page.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import get_commands, load_command_class

from publishing.scheduled_jobs.registry import JOBS_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIGURATION_PAGE = DOCS / "operations" / "configuration.md"
SCHEDULED_JOBS_PAGE = DOCS / "operations" / "scheduled-jobs.md"

#: Code that ships: the environment variables it reads must all be documented.
PRODUCTION_SOURCES = (
    "alerts",
    "cms",
    "config",
    "emulators",
    "home",
    "mentions",
    "moderation",
    "publishing",
    "schools",
    "gunicorn.conf.py",
    "manage.py",
)
#: Code a page may also name variables of (the benchmarks' own knobs).
ALL_SOURCES = (*PRODUCTION_SOURCES, "bench")
#: Top-level folders and files a path in `backticks` is checked against.
REPOSITORY_PATH = re.compile(
    r"^(?:alerts|cms|config|emulators|home|mentions|moderation|publishing|schools|tests"
    r"|bench|deploy|docs"
    r"|\.ci)/"
    r"[\w./-]*$|^(?:Makefile|Procfile|gunicorn\.conf\.py|manage\.py|pyproject\.toml"
    r"|requirements(?:-dev)?\.txt)$"
)
#: Names in capitals that belong to other systems, not to this code base.
FOREIGN_NAMES = {
    "PR_SET_PDEATHSIG": "Linux's prctl option; publishing/worker.py passes its value",
    "CREATE_CONTENT": "a Facebook Page task, quoted from Meta's documentation",
}

ENV_LIKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
SHELL_VARIABLE = re.compile(r"\$\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
SHELL_ASSIGNMENT = re.compile(r"(?:^|\s)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=")
MANAGE_PY = re.compile(r"\bmanage\.py\s+([^\n`|;&]*)")
MAKE = re.compile(r"(?:^|[\s(`])make\s+([^\n`|;&#]*)")
PYTHON_PATH = re.compile(
    r"^(?:alerts|cms|config|emulators|home|mentions|moderation|publishing|schools)"
    r"(?:\.\w+)+"
    r"(?:\([^)]*\))?$"
)
MODEL_LIST = re.compile(r"^[a-z_]+\.[A-Z]\w*(?::\w+)?(?:,[a-z_]+\.[A-Z]\w*(?::\w+)?)*$")
#: Code in which `make`, `manage.py` and `$VARIABLES` are commands, not words.
SHELL_LANGUAGES = {None, "", "sh", "bash", "shell", "console"}
#: Variables the code reads from the operating system, not settings of this project
#: (pytest-xdist names its processes).
SYSTEM_VARIABLES = {"PATH", "PYTEST_XDIST_WORKER"}
FENCE = re.compile(r"^(```|~~~)(.*)$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)|<img\b[^>]*\bsrc=\"([^\"]+)\"")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Mention:
    """One thing a page names, with where it names it (for the failure message)."""

    page: Path
    line: int
    text: str
    #: The fenced block's language ("" when none is given); None for `inline code`.
    language: str | None = None

    @property
    def is_shell(self) -> bool:
        return self.language in SHELL_LANGUAGES

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass
class Page:
    """A Markdown page split into code (spans and fenced blocks), prose and tables."""

    path: Path
    code: list[Mention]
    prose: list[Mention]
    tables: list[list[tuple[int, list[str]]]]


def documentation_pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


@cache
def page_read(path: Path) -> Page:
    """Split a page so that each check looks only where its kind of name is written."""
    code: list[Mention] = []
    prose: list[Mention] = []
    tables: list[list[tuple[int, list[str]]]] = []
    fence = language = None
    table: list[tuple[int, list[str]]] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        opening = FENCE.match(line.strip())
        if fence is not None:
            if opening and opening.group(1) == fence and not opening.group(2):
                fence = None
            else:
                code.append(Mention(path, number, line, language))
            continue
        if opening:
            fence, language = opening.group(1), opening.group(2).strip().lower()
            continue
        if line.lstrip().startswith("|"):
            table.append((number, _table_cells(line)))
        elif table:
            tables.append(table)
            table = []
        for span in INLINE_CODE.finditer(line):
            code.append(Mention(path, number, span.group(2).strip()))
        prose.append(Mention(path, number, INLINE_CODE.sub("", line)))
    if table:
        tables.append(table)
    return Page(path, code, prose, tables)


def _table_cells(line: str) -> list[str]:
    # A pipe inside `code` is not a column separator.
    cells, current, in_code = [], "", False
    for character in line.strip().strip("|"):
        if character == "`":
            in_code = not in_code
        if character == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += character
    cells.append(current.strip())
    return cells


def _python_files(roots: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        path = ROOT / root
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [file for file in files if "migrations" not in file.parts]


def _read_key(node: ast.AST) -> ast.AST | None:
    """What a node reads from the environment: the key of environ.get(key, ...),
    environ.setdefault/pop(key), getenv(key) or environ[key]; None otherwise."""
    if isinstance(node, ast.Call) and node.args:
        function = node.func
        if (
            isinstance(function, ast.Attribute)
            and function.attr in {"get", "setdefault", "pop"}
            and _is_environment(function.value)
        ) or getattr(function, "attr", getattr(function, "id", None)) == "getenv":
            return node.args[0]
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Load)
        and _is_environment(node.value)
    ):
        return node.slice
    return None


def _environment_readers(tree: ast.AST) -> set[str]:
    """Functions that read the variable named by their first argument (`env_bool`,
    `env_list`, a settings module's own helper)."""
    readers = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or not function.args.args:
            continue
        parameter = function.args.args[0].arg
        for node in ast.walk(function):
            key = _read_key(node)
            if isinstance(key, ast.Name) and key.id == parameter:
                readers.add(function.name)
    return readers


def _environment_reads(tree: ast.AST, readers: frozenset[str]) -> set[str]:
    """Names read from the environment, directly or through one of `readers`.

    `env` is the name config/devstack.py gives its copy of os.environ.
    """
    names: set[str] = set()
    for node in ast.walk(tree):
        key = _read_key(node)
        if (
            key is None
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in readers
            and node.args
        ):
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def _is_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in {"environ", "env"}
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@cache
def environment_variables(roots: tuple[str, ...]) -> frozenset[str]:
    trees = [ast.parse(file.read_text(), str(file)) for file in _python_files(roots)]
    readers = frozenset().union(*(_environment_readers(tree) for tree in trees))
    names: set[str] = set()
    for tree in trees:
        names |= _environment_reads(tree, readers)
    return frozenset(names)


@cache
def module_level_names() -> frozenset[str]:
    names: set[str] = set()
    for file in _python_files(ALL_SOURCES):
        names |= _module_names(ast.parse(file.read_text(), str(file)))
    return frozenset(names)


def configuration_tables(page: Page) -> list[Mention]:
    """Names in the first column of every table headed "variable"."""
    names = []
    for table in page.tables:
        header = table[0][1][0].strip().lower()
        if header not in {"variable", "environment variable"}:
            continue
        for number, cells in table[2:]:
            for name in re.findall(r"`([^`]+)`", cells[0]):
                names.append(Mention(page.path, number, name))
    return names


def _problems_report(problems: list[str]) -> str:
    return "The documentation names things that do not exist:\n  " + "\n  ".join(
        problems
    )


def test_every_variable_in_a_configuration_table_is_read_by_the_code():
    read = environment_variables(ALL_SOURCES)
    problems = [
        f"{mention.where()}: `{mention.text}` is in a configuration table but no code "
        "reads it from the environment"
        for path in documentation_pages()
        for mention in configuration_tables(page_read(path))
        if mention.text not in read
    ]
    assert not problems, _problems_report(problems)


def test_every_variable_set_or_used_in_a_shell_example_is_read_by_the_code():
    read = environment_variables(ALL_SOURCES)
    problems = []
    for path in documentation_pages():
        for mention in page_read(path).code:
            if not mention.is_shell:
                continue
            for pattern in (SHELL_VARIABLE, SHELL_ASSIGNMENT):
                for name in pattern.findall(mention.text):
                    if name not in read:
                        problems.append(
                            f"{mention.where()}: ${name} is not an environment "
                            "variable the code reads"
                        )
    assert not problems, _problems_report(problems)


def test_every_name_in_capitals_is_a_variable_a_setting_or_a_name_in_the_code():
    read = environment_variables(ALL_SOURCES)
    known = module_level_names()
    problems = [
        f"{mention.where()}: `{mention.text}` is neither an environment variable the "
        "code reads, nor a Django setting, nor a name defined in the code"
        for path in documentation_pages()
        for mention in page_read(path).code
        if ENV_LIKE.match(mention.text)
        and mention.text not in read
        and not hasattr(settings, mention.text)
        and mention.text not in known
        and mention.text not in FOREIGN_NAMES
    ]
    assert not problems, _problems_report(problems)


def test_every_environment_variable_the_code_reads_is_documented():
    documented = {
        mention.text for mention in configuration_tables(page_read(CONFIGURATION_PAGE))
    }
    read = environment_variables(PRODUCTION_SOURCES) - SYSTEM_VARIABLES
    missing = sorted(read - documented)
    assert not missing, (
        "Read from the environment but missing from the table in "
        f"{CONFIGURATION_PAGE.relative_to(ROOT)}: {', '.join(missing)}"
    )


def _command_words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:  # an unbalanced quote in prose-like code: plain words will do
        return text.split()


def test_every_manage_py_command_and_option_exists():
    commands = get_commands()
    problems = []
    for path in documentation_pages():
        for mention in page_read(path).code:
            if not mention.is_shell:
                continue
            for invocation in MANAGE_PY.findall(mention.text):
                words = _command_words(invocation)
                if not words:
                    continue
                name, arguments = words[0], words[1:]
                if name not in commands:
                    problems.append(
                        f"{mention.where()}: `manage.py {name}` is not a command"
                    )
                    continue
                options = _command_options(commands[name], name)
                problems.extend(
                    f"{mention.where()}: `manage.py {name}` has no option {option}"
                    for option in (a.split("=", 1)[0] for a in arguments)
                    if option.startswith("--") and option not in options
                )
    assert not problems, _problems_report(problems)


@cache
def _command_options(app_name: str, name: str) -> frozenset[str]:
    parser = load_command_class(app_name, name).create_parser("manage.py", name)
    return frozenset(
        option for action in parser._actions for option in action.option_strings
    )


@cache
def makefile_targets_and_variables() -> tuple[frozenset[str], frozenset[str]]:
    text = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, re.MULTILINE))
    variables = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*[?:]?=", text, re.MULTILINE))
    return frozenset(targets), frozenset(variables)


def test_every_make_target_and_variable_exists():
    targets, variables = makefile_targets_and_variables()
    problems = []
    for path in documentation_pages():
        for mention in page_read(path).code:
            if not mention.is_shell:
                continue
            for invocation in MAKE.findall(mention.text):
                for word in _command_words(invocation):
                    if "=" in word:
                        variable = word.split("=", 1)[0]
                        if variable not in variables:
                            problems.append(
                                f"{mention.where()}: the Makefile has no {variable}"
                            )
                    elif word not in targets:
                        problems.append(
                            f"{mention.where()}: `make {word}` is no target"
                        )
    assert not problems, _problems_report(problems)


def test_every_python_path_and_model_named_exists():
    app_labels = {config.label for config in apps.get_app_configs()}
    problems = []
    for path in documentation_pages():
        for mention in page_read(path).code:
            text = mention.text.strip("\"'")
            if MODEL_LIST.match(text):
                for entry in text.split(","):
                    label = entry.split(":", 1)[0]
                    if label.split(".")[0] not in app_labels:
                        continue  # a placeholder such as `app.Model`
                    try:
                        apps.get_model(label)
                    except LookupError:
                        problems.append(f"{mention.where()}: no model {label}")
            elif PYTHON_PATH.match(text) and not _python_path_exists(text):
                problems.append(f"{mention.where()}: `{text}` cannot be imported")
    assert not problems, _problems_report(problems)


def _python_path_exists(text: str) -> bool:
    """Whether a dotted path names a module, or an attribute of one.

    A module named whole is found without being imported: importing
    config.settings.production would (rightly) refuse to start without its secrets.
    """
    parts = text.split("(", 1)[0].split(".")
    for split in range(len(parts), 0, -1):
        module = ".".join(parts[:split])
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:
            continue
        if split == len(parts):
            return True
        found = importlib.import_module(module)
        for attribute in parts[split:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_every_file_path_named_exists():
    problems = [
        f"{mention.where()}: `{mention.text}` is not in the repository"
        for path in documentation_pages()
        for mention in page_read(path).code
        if REPOSITORY_PATH.match(mention.text) and not (ROOT / mention.text).exists()
    ]
    assert not problems, _problems_report(problems)


def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings (lower case, punctuation dropped)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    for mention in page_read(path).prose:
        heading = HEADING.match(mention.text)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(2).strip().lower()).replace(
            " ", "-"
        )
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _link_targets(text: str) -> list[str]:
    """Where Markdown links and images, and HTML images, point."""
    return [link or image for link, image in LINK.findall(text)]


def test_every_relative_link_points_to_a_file_and_heading_that_exist():
    problems = []
    for path in documentation_pages():
        for mention in page_read(path).prose:
            for target in _link_targets(mention.text):
                if re.match(r"^[a-z]+:", target):
                    continue
                file_part, _, anchor = target.partition("#")
                linked = (path.parent / file_part).resolve() if file_part else path
                if not linked.exists():
                    problems.append(f"{mention.where()}: {target} does not exist")
                elif (
                    anchor
                    and linked.suffix == ".md"
                    and anchor not in heading_anchors(linked)
                ):
                    problems.append(
                        f"{mention.where()}: {target} has no heading #{anchor}"
                    )
                elif not linked.is_relative_to(ROOT):
                    problems.append(
                        f"{mention.where()}: {target} is outside the project"
                    )
    assert not problems, _problems_report(problems)


def test_the_scheduled_jobs_table_lists_exactly_the_registered_jobs():
    page = page_read(SCHEDULED_JOBS_PAGE)
    documented = set()
    for table in page.tables:
        columns = [cell.strip().lower() for cell in table[0][1]]
        if "name" in columns:
            at = columns.index("name")
            documented |= {cells[at].strip("`") for _, cells in table[2:]}
    assert documented == set(JOBS_BY_NAME), (
        f"Only in {SCHEDULED_JOBS_PAGE.relative_to(ROOT)}: "
        f"{sorted(documented - set(JOBS_BY_NAME))}; "
        f"registered but not documented: {sorted(set(JOBS_BY_NAME) - documented)}"
    )


def test_the_readme_is_short_and_links_every_page_in_docs():
    lines = README.read_text().splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines; keep it under 200"
    linked = {
        (README.parent / target.partition("#")[0]).resolve()
        for mention in page_read(README).prose
        for target in _link_targets(mention.text)
    }
    unlinked = [
        str(page.relative_to(ROOT))
        for page in sorted(DOCS.rglob("*.md"))
        if page.resolve() not in linked
    ]
    assert not unlinked, f"Pages in docs/ the README does not link: {unlinked}"
