"""The shape of the house (docs/architecture.md), read from the source with ``ast`` (import-linter
is not installed; this test plays its part, also for imports inside functions):

- imports run one way, ``declaraties -> trajecten -> financiering -> backoffice``: an app imports
  only the apps to its right; the core (``backoffice``) imports none, except in the wiring
  (``settings.py``, ``urls.py``, ``celery.py``): the apps register their jobs and werkbak sections
  with it (``backoffice/registry.py``);
- a web page (views, forms, admin) never imports an app's API module: both call the services and
  selectors, the API is one door among others;
- no module is over 500 lines (migrations and tests aside).

A failure names the file, the line and the import, and what to do."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("backoffice", "financiering", "trajecten", "declaraties", "bezwaren")  # the bottom first
RANG = {app: i for i, app in enumerate(APPS)}
BEDRADING = {"backoffice/settings.py", "backoffice/urls.py", "backoffice/celery.py"}
MAX_REGELS = 500
WEB = re.compile(r"(^|_)(views|forms|admin)(_|$)")
API = re.compile(r"^(api|api_\w+|\w+_api)$")

# Emptied at integration (issue 10): files other helpers are reshaping while this test was written.
# A stale entry fails too (``test_the_allow_lists_hold_only_what_is_still_needed``), so each goes
# as soon as its file is fixed.
WEB_MET_API: dict[str, str] = {}
TE_LANG: dict[str, str] = {}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            yield rel, path.read_text(encoding="utf-8")


MODULES = dict(_modules())


def _dotted(rel: Path) -> list[str]:
    parts = list(rel.with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(rel: Path, source: str):
    """``(line, module, names)`` for every import in the file, relative ones made absolute;
    ``names`` are the dotted names it may bind (``from a import b``: ``a.b``, b may be a module)."""
    package = _dotted(rel) if rel.name == "__init__.py" else _dotted(rel)[:-1]
    for node in ast.walk(ast.parse(source, filename=str(rel))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module, [module, *(f"{module}.{alias.name}" for alias in node.names)]


def _upward(rel: Path, source: str) -> list[str]:
    if str(rel) in BEDRADING:
        return []
    app = rel.parts[0]
    return [
        f"{rel}:{line} imports {module}"
        for line, module, _ in _imports(rel, source)
        if RANG.get(module.split(".")[0], -1) > RANG[app]
    ]


def _web_api(rel: Path, source: str) -> list[str]:
    if not (WEB.search(rel.stem) or {"views", "forms", "admin"} & set(rel.parts[1:-1])):
        return []
    found = []
    for line, _, names in _imports(rel, source):
        for name in names:
            parts = name.split(".")
            if parts[0] in RANG and len(parts) > 1 and API.match(parts[1]):
                found.append(f"{rel}:{line} imports {'.'.join(parts[:2])}")
                break
    return found


def test_imports_run_one_way_and_the_core_names_no_app_outside_the_wiring():
    problems = [p for rel, source in MODULES.items() for p in _upward(rel, source)]
    assert not problems, (
        "An app imports an app to its left (declaraties -> trajecten -> financiering -> backoffice): "
        "let the higher app call the lower one's service, or register with backoffice/registry.py.\n"
        + "\n".join(problems)
    )


def test_web_pages_do_not_import_an_api_module():
    problems = [p for rel, source in MODULES.items() if str(rel) not in WEB_MET_API for p in _web_api(rel, source)]
    assert not problems, (
        "A view, form or admin imports an API module: move what both need into services.py, "
        "selectors.py or a module of its own.\n" + "\n".join(problems)
    )


def test_no_module_is_over_500_lines():
    long = {
        str(rel): n
        for rel, source in MODULES.items()
        if (n := len(source.splitlines())) > MAX_REGELS and str(rel) not in TE_LANG
    }
    assert not long, f"Split these by noun or layer into a package (re-export the public names): {long}"


def test_the_allow_lists_hold_only_what_is_still_needed():
    stale = [f for f in WEB_MET_API if Path(f) not in MODULES or not _web_api(Path(f), MODULES[Path(f)])]
    stale += [f for f in TE_LANG if Path(f) not in MODULES or len(MODULES[Path(f)].splitlines()) <= MAX_REGELS]
    assert not stale, f"Fixed: take these out of the allow-lists in tests/test_bouw.py: {stale}"


@pytest.mark.parametrize(
    ("rel", "source", "upward", "web_api"),
    [
        ("backoffice/werkbak.py", "def f():\n    from declaraties import selectors\n", 1, 0),
        ("backoffice/urls.py", "from declaraties import views\n", 0, 0),
        ("financiering/services/budgetten.py", "from trajecten.models import Traject\n", 1, 0),
        ("trajecten/jobs.py", "from financiering.models import Perceel\nfrom . import rules\n", 0, 0),
        ("declaraties/views/betalingen.py", "from ..api.betalingen import regel_rij\n", 0, 1),
        ("trajecten/views_aanbieder.py", "from trajecten import api\n", 0, 1),
        ("trajecten/forms.py", "from .selectors import trajecten_for\n", 0, 0),
    ],
)
def test_the_checks_see_what_they_should(rel, source, upward, web_api):
    """The checks themselves: a function-local import, a relative import in a package, the wiring."""
    assert len(_upward(Path(rel), source)) == upward
    assert len(_web_api(Path(rel), source)) == web_api
