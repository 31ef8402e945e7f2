"""Today is Stockholm's today, read when it is needed. A date read when a module is imported
goes stale when the suite (or the server) runs past midnight, and the machine's own clock
is in UTC: between 23:00 and midnight it is still yesterday there. Both broke CI once."""

import ast

from test_module_sizes import project_modules

CLOCK_CALLS = {"localdate", "localtime", "now", "today"}
MACHINE_DATE = {"date.today", "datetime.date.today", "datetime.today", "datetime.datetime.today"}
MACHINE_TIME = {"datetime.now", "datetime.datetime.now"}


class ClockReader(ast.NodeVisitor):
    """Finds the clock read outside any function body, and the machine's own date."""

    def __init__(self):
        self.depth = 0
        self.at_import = []
        self.machine_date = []

    def visit_FunctionDef(self, node):
        for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)
        self.depth += 1
        for statement in node.body:
            self.visit(statement)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.depth += 1
        self.visit(node.body)
        self.depth -= 1

    def visit_Call(self, node):
        called = ast.unparse(node.func)
        if self.depth == 0 and called.rsplit(".", 1)[-1] in CLOCK_CALLS:
            self.at_import.append((node.lineno, called))
        if called in MACHINE_DATE or (called in MACHINE_TIME and not node.args):
            self.machine_date.append((node.lineno, called))
        self.generic_visit(node)


def readers():
    for name, path in project_modules():
        reader = ClockReader()
        reader.visit(ast.parse(path.read_text(encoding="utf-8")))
        yield name, reader


def test_no_module_reads_the_clock_when_it_is_imported():
    found = [f"{name}:{line} {call}" for name, r in readers() for line, call in r.at_import]
    assert found == []


def test_no_module_asks_the_machine_for_todays_date():
    found = [f"{name}:{line} {call}" for name, r in readers() for line, call in r.machine_date]
    assert found == []


def test_the_checks_find_what_they_look_for():
    reader = ClockReader()
    reader.visit(
        ast.parse(
            "TODAY = timezone.localdate()\n"
            "@pytest.mark.parametrize('day', [timezone.now()])\n"
            "def test(day=datetime.date.today()):\n"
            "    return timezone.localdate(), datetime.datetime.now(), lambda: date.today()\n"
        )
    )
    assert [call for _, call in reader.at_import] == [
        "timezone.localdate",
        "timezone.now",
        "datetime.date.today",
    ]
    assert [call for _, call in reader.machine_date] == [
        "datetime.date.today",
        "datetime.datetime.now",
        "date.today",
    ]
