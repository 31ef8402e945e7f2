"""The action plan page and the in-place editing of its rows.

Each URL serves the whole plan page, with the row in the state asked for (a form, a
confirmation, a conflict), and for HTMX requests only that row or its group. So every
action works by plain links and forms as well as in place. Avbryt is a submit button
named "cancel": the server answers with the row as it is, without saving.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.access import (
    check_may_change_plan,
    editing_rights,
    get_agreement_for_new_plan,
    may_change_plan_now,
)
from agreements.models import AgreementVisit
from samverkan.params import query_id
from samverkan.sent_once import save_once
from samverkan.spliced import Splice
from samverkan.versioning import EditConflict

from .adoption import changes_since, rows_from_table
from .forms import ActionItemForm, ActionPlanForm, PlanAdoptionForm, ProblemLinksForm
from .models import ActionItem, ActionPlan, ItemStatus, get_plan, plan_page_agreements
from .moving import RowMoveForm, move_row
from .table import RowGroup, plan_table, single_row, splice_rows, with_groups

PAGE = "actionplans/plan_detail.html"


@login_required
@require_GET
def plan_detail(request, pk, plan_pk):
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    since = AgreementVisit.record(request.user, agreement.pk)  # what is new: visits.py
    status = request.GET.get("status", "")
    if status in ItemStatus.values:
        return _filtered_page(request, agreement, plan, ItemStatus(status))
    return _page(request, agreement, plan, news_since=since)


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request, pk, plan_pk, item_pk):
    """Redigera: the row as a form in place; Spara writes it unless someone else did."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    item = ActionItem.objects.get_for(plan, item_pk)
    if "cancel" in request.POST:
        return _row_response(request, agreement, plan, item)
    form = _row_form(agreement, plan, item, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            form.save_checked()
        except EditConflict as conflict:
            return _conflict(request, agreement, plan, form, conflict.current)
        return _row_response(request, agreement, plan, item)
    if request.htmx:
        return _fragment(request, "row_form", agreement, plan, item=item, state="form", form=form)
    return _page(request, agreement, plan, shown=(item, "form"), form=form)


@login_required
@require_http_methods(["GET", "POST"])
def row_problems(request, pk, plan_pk, item_pk):
    """Problem som raden möter: which prioritised problems the row addresses, ticked on a
    page of their own (the row form stays as small as a row's columns)."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    item = ActionItem.objects.get_for(plan, item_pk)
    form = ProblemLinksForm(request.POST or None, item=item)
    if form.is_bound and form.is_valid():
        try:
            form.save_checked()
        except EditConflict:
            messages.error(
                request,
                _(
                    "Someone changed the row after you opened this page. The problems it "
                    "addresses now are shown: choose again."
                ),
            )
            return redirect(request.path)
        messages.success(request, _("The problems the row addresses were saved."))
        return _back_to(plan, f"rad-{item.pk}")
    context = {"agreement": agreement, "plan": plan, "item": item, "form": form}
    return render(request, "actionplans/row_problems.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def row_create(request, pk, plan_pk):
    """Lägg till rad: an empty row form at the end of a focus area's rows."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    area = agreement.focus_areas.filter(pk=query_id(request, "fokusomrade")).first()
    adding = RowGroup(area).dom_id
    if "cancel" in request.POST:
        return HttpResponse("") if request.htmx else _back_to(plan, adding)
    form = _row_form(
        agreement, plan, ActionItem(), request.POST or None, initial={"focus_area": area}
    )
    if form.is_bound and form.is_valid():
        item = save_once(request, form, form.save_new)
        return _row_response(request, agreement, plan, item)
    if request.htmx:
        return _fragment(request, "new_row_form", agreement, plan, form=form)
    return _page(request, agreement, plan, adding=adding, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def row_delete(request, pk, plan_pk, item_pk):
    """Ta bort: GET asks for confirmation in place; POST removes the row."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    item = ActionItem.objects.get_for(plan, item_pk)
    if "cancel" in request.POST:
        return _row_response(request, agreement, plan, item)
    if request.method == "GET":
        if request.htmx:
            return _fragment(request, "row_delete", agreement, plan, item=item, state="delete")
        return _page(request, agreement, plan, shown=(item, "delete"))
    if item.why_kept:
        message = _("The row cannot be deleted: %(why)s") % {"why": item.why_kept}
        return _group_response(request, agreement, plan, item.focus_area, message=message)
    item.delete()
    message = _("The row was deleted.")
    return _group_response(request, agreement, plan, item.focus_area, message=message)


@login_required
@require_POST
def row_move(request, pk, plan_pk, item_pk):
    """Flytta upp / Flytta ned: trade places with the row above or below in its group; a
    row dragged to another place in its group moves there (actionplans/moving.py)."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    item = ActionItem.objects.get_for(plan, item_pk)
    form = RowMoveForm(request.POST)
    if not form.is_valid():
        message = _("The row could not be moved: %(reason)s") % {
            "reason": " ".join(error for errors in form.errors.values() for error in errors)
        }
        return _group_response(request, agreement, plan, item.focus_area, message=message)
    message, button = move_row(plan, item, form)
    focus = (item.pk, button) if button else None
    return _group_response(request, agreement, plan, item.focus_area, message=message, focus=focus)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk):
    """Ny handlingsplan: a plan of the agreement, with the columns it will use."""
    agreement = get_agreement_for_new_plan(request.user, pk, plan_page_agreements())
    rights = editing_rights(request.user, agreement)
    form = ActionPlanForm(request.POST or None, agreement=agreement, rights=rights)
    if form.is_bound and form.is_valid():
        plan = save_once(request, form, form.save_new)
        return redirect("plan_detail", agreement.pk, plan.pk)
    return render(request, "actionplans/plan_form.html", {"agreement": agreement, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk, plan_pk):
    """Redigera uppgifter: the plan's title, columns, period and introduction in place."""
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    rights = check_may_change_plan(request.user, agreement, plan)
    if "cancel" in request.POST:
        if request.htmx:
            return _fragment(request, "plan_facts", agreement, plan)
        return _back_to(plan, "uppgifter")
    form = ActionPlanForm(request.POST or None, instance=plan, agreement=agreement, rights=rights)
    state = {}  # after a conflict: the differences to show beside the form
    if form.is_bound and form.is_valid():
        try:
            form.save_checked()
            return _saved_facts(request, plan)
        except EditConflict:
            form, state["differences"] = form.conflict_with(
                lambda data: ActionPlanForm(
                    data,
                    instance=ActionPlan.objects.get_for(agreement, plan_pk),
                    agreement=agreement,
                    rights=rights,
                )
            )
            state["conflict"] = True
    if request.htmx:
        return _fragment(request, "plan_facts_form", agreement, plan, form=form, **state)
    return _page(request, agreement, plan, facts_form=True, form=form, **state)


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request, pk, plan_pk):
    """Ta bort handlingsplanen: a page that asks first, then removes the plan and its rows."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    # Follow-up entries and published feedback keep their rows (ActionItem.why_kept).
    logged = plan.items.on_record().count()
    if request.method == "POST" and not logged:
        plan.delete()
        messages.success(request, _("The action plan was deleted."))
        return redirect(agreement)
    context = {"agreement": agreement, "plan": plan, "rows": plan.items.count(), "logged": logged}
    return render(request, "actionplans/plan_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_adopt(request, pk, plan_pk):
    """Fastställ: record that the plan was adopted (date, body, diarienummer) as its next
    numbered version, with its rows as they stand (the plan's editors)."""
    agreement, plan = _plan_for_changing(request, pk, plan_pk)
    form = PlanAdoptionForm(request.POST or None, plan=plan)
    if form.is_bound and form.is_valid():
        adoption = form.adopt(request.user, agreement.focus_areas.all())
        if adoption is not None:
            messages.success(request, adoption.description)
            return _back_to(plan, "faststalld")
    context = {"agreement": agreement, "plan": plan, "form": form}
    return render(request, "actionplans/plan_adopt.html", context)


@login_required
@require_GET
def plan_compare_adopted(request, pk, plan_pk):
    """Jämför med fastställd version: an adopted version (the latest, or ?version=N) and the
    plan as it stands, side by side, only what changed marked (everyone who sees it)."""
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    adoptions = list(plan.adoptions.select_related("adopted_by").order_by("-number"))
    number = query_id(request, "version")
    adoption = next((a for a in adoptions if a.number == number), None)
    if number is not None and adoption is None:
        raise Http404
    adoption = adoption or (adoptions[0] if adoptions else None)
    changes = None
    if adoption is not None:
        rows = list(ActionItem.objects.filter(plan=plan).shown_in_table())
        changes = changes_since(adoption, plan, rows_from_table(rows, agreement.focus_areas.all()))
    context = {"agreement": agreement, "plan": plan, "adoptions": adoptions, "changes": changes}
    template = "actionplans/plan_compare_adopted.html"
    if request.htmx:
        template += "#comparison"
    return render(request, template, context)


def _saved_facts(request, plan):
    """The title and the columns may have changed, so every row: show the page anew."""
    response = _back_to(plan, "uppgifter")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("plan_detail", args=[plan.agreement_id, plan.pk])
    return response


def _plan_for_changing(request, pk, plan_pk):
    """The agreement and the plan, if the user may change the plan:
    404 for an outsider, 403 for a party's member who may not (agreements/access.py)."""
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    check_may_change_plan(request.user, agreement, plan)
    return agreement, plan


def _row_form(agreement, plan, item, data=None, initial=None):
    return ActionItemForm(
        data,
        instance=item,
        initial=initial,
        plan=plan,
        parties=list(agreement.parties.all()),
        focus_areas=agreement.focus_areas.all(),
    )


def _page(request, agreement, plan, shown=None, news_since=None, **context):
    """The whole plan page. `shown` = (row, "form" | "delete" | "conflict") shows that
    row as a form, a confirmation or a conflict instead of as text. `news_since`: where
    the visit's new entries begin, when the view has just recorded the visit."""
    rights = editing_rights(request.user, agreement)
    context["may_edit"] = may_change_plan_now(agreement, plan, rights)
    context["status_choices"] = ItemStatus.choices
    table = plan_table(request, agreement, plan, may_edit=context["may_edit"])
    since = news_since or AgreementVisit.current_new_since(request.user, agreement.pk)
    table = with_groups(table, shown=shown, news=(since, request.user.pk))
    return _whole_page(request, {"table": table, **context})


def _filtered_page(request, agreement, plan, status):
    """Only the rows with one status (say, the promises still proposed), to read: rows are
    changed, moved and added with every row in view, so this page has no row buttons."""
    table = plan_table(request, agreement, plan, may_edit=False)
    table = with_groups(table, status=status)
    context = {
        "table": table,
        "may_edit": False,
        "status_filter": status,
        "status_choices": ItemStatus.choices,
    }
    return _whole_page(request, context)


def _whole_page(request, context):
    """The plan page, its finished rows put in after the template (samverkan/spliced.py):
    printed inside the page's nesting, 800 KB of rows were copied at every level."""
    splice = Splice()
    splice_rows(context["table"], splice)
    return HttpResponse(splice.into(render_to_string(PAGE, context, request)))


def _fragment(request, partial, agreement, plan, item=None, state="", focus="", **context):
    """One row (or a new row's form) for HTMX to swap in."""
    table = plan_table(request, agreement, plan, may_edit=True)
    if item is not None:
        context["row"] = single_row(table, item, state=state, focus=focus)
    return render(request, f"{PAGE}#{partial}", {"table": table, "may_edit": True, **context})


def _row_response(request, agreement, plan, item):
    """After Spara or Avbryt: the row as stored, with focus back on its Redigera."""
    if not request.htmx:
        return _back_to(plan, f"rad-{item.pk}")
    return _fragment(request, "row", agreement, plan, item=item, focus="edit")


def _conflict(request, agreement, plan, form, current):
    """Someone saved the row since it was opened: both versions side by side. The form
    now holds the stored row with this user's changes on top and carries the stored
    version, so Spara min version overwrites knowingly."""
    if current is None:
        raise Http404  # the row was deleted meanwhile
    mine, differences = form.conflict_with(
        lambda data: _row_form(agreement, plan, ActionItem.objects.get_for(plan, current.pk), data)
    )
    stored = ActionItem.objects.get_for(plan, current.pk)
    if request.htmx:
        return _fragment(
            request,
            "row_conflict",
            agreement,
            plan,
            item=stored,
            state="conflict",
            form=mine,
            differences=differences,
        )
    return _page(
        request, agreement, plan, shown=(stored, "conflict"), form=mine, differences=differences
    )


def _group_response(request, agreement, plan, focus_area, *, message, focus=None):
    """After a move or a delete: the row's group again (HTMX), or the page at the group."""
    empty = RowGroup(focus_area)
    if not request.htmx:
        messages.success(request, message)
        return _back_to(plan, empty.dom_id)
    table = with_groups(plan_table(request, agreement, plan, may_edit=True), focus=focus)
    group = next((group for group in table.groups if group.dom_id == empty.dom_id), empty)
    context = {"table": table, "group": group, "may_edit": True, "message": message}
    return render(request, f"{PAGE}#group", {**context, "focused": bool(focus)})


def _back_to(plan, anchor):
    return redirect(reverse("plan_detail", args=[plan.agreement_id, plan.pk]) + f"#{anchor}")
