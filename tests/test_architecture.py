"""The apps are layers (docs/architecture.md): each module imports only from its own app and
the apps below it. Read from the source (ast), not imported, so an import inside a function
counts as much as one at the top; there is no list of exceptions."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top; the same order as in docs/architecture.md.
LAYERS = [
    "samverkan",
    "organisations",
    "prevention",
    "agreements",
    "actionplans",
    "followup",
    "audit",
    "exchange",
    "printing",
    "signing",
    "pages",
    "citizens",
    "areas",
]


def imported_modules(tree: ast.AST, module: str):
    """(line, module name) of every import in the tree, wherever it stands: `import x`,
    `from x import y`, relative imports resolved against `module`, and
    `importlib.import_module("x")` with a written-out name."""
    package = module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            else:
                yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def wrong_way_imports(app: str, module: str, source: str, filename: str) -> list[str]:
    """Every import in this module's source of an app above `app`, as "file:line imports x
    (app is below other)"."""
    found = []
    for line, name in imported_modules(ast.parse(source, filename), module):
        target = name.split(".")[0]
        if target in LAYERS and LAYERS.index(target) > LAYERS.index(app):
            found.append(f"{filename}:{line} imports {name} ({app} is below {target})")
    return found


def app_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            module = ".".join(relative.with_suffix("").parts)
            yield app, module, path, str(relative)


def test_every_app_of_the_project_has_its_place_in_the_layers():
    ours = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"samverkan"}
    installed = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    assert ours <= installed | {"samverkan"}
    assert ours == set(LAYERS), "add a new app to LAYERS here and to docs/architecture.md"


def test_no_module_imports_from_an_app_above_its_own():
    wrong = []
    for app, module, path, filename in app_modules():
        wrong += wrong_way_imports(app, module, path.read_text(), filename)
    assert not wrong, "imports that run up the layers:\n" + "\n".join(wrong)


def test_the_layer_order_is_the_one_docs_architecture_describes():
    text = (ROOT / "docs/architecture.md").read_text()
    assert " → ".join(f"`{app}`" for app in LAYERS) in text


@pytest.mark.parametrize(
    ("app", "module", "source"),
    [
        ("agreements", "agreements.views", "from followup.todo import follow_up_lists\n"),
        ("agreements", "agreements.views", "import exchange.export\n"),
        ("exchange", "exchange.x", "def f():\n    from signing.models import Agreement\n"),
        ("samverkan", "samverkan.urls", "from organisations import accounts\n"),
        ("followup", "followup.views", "from ..printing import documents\n"),
        ("agreements", "agreements.x", "importlib.import_module('actionplans.models')\n"),
    ],
)
def test_an_import_up_the_layers_is_found(app, module, source):
    assert len(wrong_way_imports(app, module, source, "x.py")) == 1


@pytest.mark.parametrize(
    ("app", "module", "source"),
    [
        ("pages", "pages.views", "from followup.todo import follow_up_lists\n"),
        ("signing", "signing.archive", "from exchange.export import export_document\n"),
        ("agreements", "agreements.drafting", "from .models import Agreement\n"),
        ("agreements", "agreements.x", "import django.db\nfrom samverkan import dates\n"),
    ],
)
def test_an_import_down_the_layers_or_within_the_app_is_allowed(app, module, source):
    assert wrong_way_imports(app, module, source, "x.py") == []
