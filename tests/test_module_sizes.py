"""No module of the project is over about 400 lines without a reason stated at its top: a
long module is where a split was missed, unless its docstring says why it is one."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
# Over the limit on this branch only until another part of the same work lands.
WAITING = {
    "followup/views.py": "the report's PDF view moves to printing (issue 14, point 1)",
}


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or "migrations" in relative.parts:
            continue
        yield relative.as_posix(), path


def test_every_module_over_400_lines_says_why_at_its_top():
    unexplained = []
    for name, path in project_modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LIMIT or name in WAITING:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if "400 lines" not in docstring:
            unexplained.append(name)
    assert unexplained == []


def test_the_waiting_list_holds_only_modules_still_over_the_limit():
    sizes = {name: path.read_text(encoding="utf-8").count("\n") for name, path in project_modules()}
    assert [name for name in WAITING if sizes.get(name, 0) <= LIMIT] == []
