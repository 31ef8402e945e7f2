"""Who may see or change what is decided in the access modules (agreements/access.py,
and organisations/access.py for managing an organisation's users), never restated in a
view or a template: a view asks a helper that answers 404 or 403, a template asks the
rights the view passed (`rights.may_revise`). A source scan, so a new view that checks
for itself fails here."""

import ast
import re
from pathlib import Path

from django.urls import reverse
from helpers import strangnas_draft

from agreements.access import agreement_permissions
from agreements.models import AgreementStatus

ROOT = Path(__file__).resolve().parent.parent
APPS = ["actionplans", "agreements", "audit", "exchange", "followup", "organisations"]
APPS += ["printing", "signing", "samverkan", "citizens", "prevention", "areas"]

# A view module allowed to decide for itself, with the reason: none today.
JUSTIFIED: dict[str, str] = {}

# The rules' own words: asked of an access helper, never tested in a view.
RULE_NAMES = {"may_edit", "may_change_plan", "plans_are_editable", "is_draft", "is_superuser"}
# A template restating a rule: an editor's right combined with the agreement's state.
TEMPLATE_RESTATING = re.compile(
    r"\bmay_edit\b[^%]*\b(?:agreement\.(?:is_draft|plans_are_editable|status|signed_version))"
    r"|\bplans_are_editable\b"
)


def view_modules():
    for app in APPS:
        for path in sorted((ROOT / app).glob("*.py")):
            if path.name == "views.py" or path.name.endswith("_views.py"):
                yield path


def _names_in(node) -> set[str]:
    return {
        each.id if isinstance(each, ast.Name) else each.attr
        for each in ast.walk(node)
        if isinstance(each, ast.Name | ast.Attribute)
    }


def own_access_checks(source: str) -> list[str]:
    """What in this view module decides access itself, one line per finding."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == "PermissionDenied":
                found.append(f"line {node.lineno}: PermissionDenied (ask agreements/access.py)")
        if isinstance(node, ast.ImportFrom) and any(
            alias.name == "PermissionDenied" for alias in node.names
        ):
            found.append(f"line {node.lineno}: imports PermissionDenied")
        if isinstance(node, ast.If | ast.IfExp):
            rules = _names_in(node.test) & RULE_NAMES
            raises = any(isinstance(each, ast.Raise) for each in ast.walk(node))
            if rules and (raises or rules & {"may_edit", "may_change_plan"}):
                found.append(f"line {node.lineno}: decides by {', '.join(sorted(rules))}")
        if isinstance(node, ast.Attribute) and node.attr == "plans_are_editable":
            found.append(f"line {node.lineno}: restates plans_are_editable")
    return found


def test_no_view_module_decides_access_itself():
    faults = {}
    for path in view_modules():
        module = str(path.relative_to(ROOT))
        found = own_access_checks(path.read_text())
        if found and module not in JUSTIFIED:
            faults[module] = found
    assert faults == {}


def test_every_justified_exception_is_still_needed():
    modules = {str(path.relative_to(ROOT)) for path in view_modules()}
    for module, reason in JUSTIFIED.items():
        assert reason
        assert module in modules
        assert own_access_checks((ROOT / module).read_text()), f"{module} no longer needs it"


def test_the_scan_finds_a_view_that_checks_for_itself():
    restating = """
from django.core.exceptions import PermissionDenied
from agreements.access import get_agreement, may_edit

def plan_create(request, pk):
    agreement = get_agreement(request.user, pk)
    if not agreement.plans_are_editable:
        raise PermissionDenied

def report(request, pk):
    agreement = get_agreement(request.user, pk)
    if not may_edit(request.user, agreement):
        return None

def draft(request, pk):
    agreement = get_agreement(request.user, pk)
    if not agreement.is_draft:
        raise Http404
"""
    found = own_access_checks(restating)
    assert any("imports PermissionDenied" in each for each in found)
    assert any("line 7: decides by plans_are_editable" in each for each in found)
    assert any("line 12: decides by may_edit" in each for each in found)
    assert any("line 17: decides by is_draft" in each for each in found)


def test_asking_the_helpers_is_not_a_finding():
    asking = """
from agreements.access import check_may_post, get_agreement, may_edit

def report(request, pk):
    agreement = get_agreement(request.user, pk)
    editing = check_may_post(request, agreement)
    context = {"may_edit": may_edit(request.user, agreement)}
    choices = ["utkast"] if agreement.is_draft else []
"""
    assert own_access_checks(asking) == []


def test_no_template_restates_a_rule():
    faults = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if TEMPLATE_RESTATING.search(line):
                faults.append(f"{path.relative_to(ROOT)}:{number}")
    assert faults == []


# What the agreement page asks (agreements/access.py's AgreementPermissions), by persona.
COORDINATOR, READER, OUTSIDER = "samordnare.strangnas", "lasare.strangnas", "samordnare.timra"


def test_the_agreement_page_offers_revising_only_to_an_editor_of_a_signed_agreement(
    client, user, demo
):
    signed = demo["strangnas-2020"]
    revise = reverse("revise", args=[signed.pk])
    for username, offered in [(COORDINATOR, True), (READER, False)]:
        rights = agreement_permissions(user(username), signed)
        assert rights.may_revise is offered
        assert rights.may_edit_draft is False
        client.force_login(user(username))
        assert (revise in client.get(signed.get_absolute_url()).text) is offered
    assert not agreement_permissions(user(OUTSIDER), signed).may_edit


def test_a_draft_is_edited_not_revised_and_a_reader_only_reads_it(client, user, demo):
    draft = strangnas_draft(demo)
    editor = agreement_permissions(user(COORDINATOR), draft)
    assert (editor.may_edit_draft, editor.may_add_plan, editor.may_revise) == (True, True, False)
    assert editor.may_copy
    reader = agreement_permissions(user(READER), draft)
    assert (reader.may_edit_draft, reader.may_add_plan, reader.may_copy) == (False, False, False)
    client.force_login(user(READER))
    page = client.get(draft.get_absolute_url()).text
    assert reverse("draft_editor", args=[draft.pk]) not in page
    client.force_login(user(COORDINATOR))
    page = client.get(draft.get_absolute_url()).text
    assert reverse("draft_editor", args=[draft.pk]) in page


def test_no_new_plan_while_a_version_waits_for_signatures(user, demo):
    draft = strangnas_draft(demo)
    draft.status = AgreementStatus.READY
    assert not agreement_permissions(user(COORDINATOR), draft).may_add_plan
