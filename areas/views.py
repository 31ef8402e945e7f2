"""The municipality's page (/kommuner/<kommun>/) with the law's items and their forms, and
the police area's page (/polisomraden/<omrade>/). Who may see and change what is asked
of agreements/access.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    get_municipality,
    get_municipality_for_law_editing,
    get_police_area,
    may_edit_law_items,
    visible_municipalities,
)
from organisations.models import Organisation
from prevention.forms import CoordinatingFunctionForm, PreventionPlanForm, SituationReportForm
from prevention.models import CoordinatingFunction, PreventionPlan, SituationReport
from samverkan.sent_once import save_once
from samverkan.versioning import EditConflict

from .overview import law_history, municipality_overviews

PAGE = "areas/municipality.html"
FORM = "areas/law_item_form.html"

# Each item: its model, its form, the card it is shown in and the title of its form.
ITEMS = {
    "lagesbild": (SituationReport, SituationReportForm),
    "atgardsplan": (PreventionPlan, PreventionPlanForm),
    "samordning": (CoordinatingFunction, CoordinatingFunctionForm),
}


def _overview(request, municipality):
    today = timezone.localdate()
    municipalities = Organisation.objects.filter(pk=municipality.pk)
    return municipality_overviews(request.user, municipalities, today)[0]


@login_required
@require_GET
def municipality_page(request, kommun):
    municipality = get_municipality(request.user, kommun)
    context = {
        "overview": _overview(request, municipality),
        "may_edit": may_edit_law_items(request.user, municipality),
        "history": law_history(municipality),
    }
    return render(request, PAGE, context)


@login_required
@require_GET
def situation_report_detail(request, kommun, situation_report_pk):
    """One lägesbild in full: its three parts as § 4 names them."""
    municipality = get_municipality(request.user, kommun)
    report = get_object_or_404(SituationReport, pk=situation_report_pk, municipality=municipality)
    context = {
        "municipality": municipality,
        "slug": municipality.slug,
        "report": report,
        "may_edit": may_edit_law_items(request.user, municipality),
    }
    return render(request, "areas/situation_report.html", context)


@login_required
@require_GET
def situation_report_document(request, kommun, situation_report_pk):
    """The lägesbild's own document (PDF), for those who see the municipality's page."""
    municipality = get_municipality(request.user, kommun)
    report = get_object_or_404(SituationReport, pk=situation_report_pk, municipality=municipality)
    if not report.document:
        raise Http404
    return FileResponse(
        report.document.open("rb"),
        content_type="application/pdf",
        filename=f"lagesbild-{municipality.slug}-{report.adopted_on:%Y-%m-%d}.pdf",
        as_attachment=True,
    )


def _card(request, municipality, key):
    """The item's card on the municipality's page: for HTMX just the card, else the page."""
    if not request.htmx:
        return redirect(reverse("municipality_page", args=[municipality.slug]) + f"#{key}")
    overview = _overview(request, municipality)
    item = {each.key: each for each in overview.law.items}[key]
    context = {"overview": overview, "item": item, "may_edit": True}
    return render(request, f"{PAGE}#law_card", context)


def _edit(request, kommun, key, pk=None):
    """A new item (pk None: a new lägesbild or åtgärdsplan; the coordinating function is
    one per municipality) or a change to one, in place with HTMX or as a page of its own."""
    municipality = get_municipality_for_law_editing(request.user, kommun)
    model, form_class = ITEMS[key]
    if key == "samordning":
        instance = model.objects.filter(municipality=municipality).first()
    elif pk is not None:
        instance = get_object_or_404(model, pk=pk, municipality=municipality)
    else:
        instance = None
    if "cancel" in request.POST:
        return _card(request, municipality, key)
    instance = instance or model(municipality=municipality)
    extra = {"municipality": municipality} if key == "samordning" else {}
    if key == "lagesbild":  # its document is kept when the form is shown again
        extra = {"owner": request.user.pk, "purpose": f"lagesbild-{municipality.pk}-{pk}"}
    files = request.FILES if request.method == "POST" else None
    form = form_class(request.POST or None, files, instance=instance, **extra)
    state = {}
    if form.is_bound and form.is_valid():
        try:  # a new lägesbild or åtgärdsplan once, however often its form is sent
            save_once(request, form, form.save_checked)
            if not request.htmx:
                messages.success(request, _("Saved."))
            return _card(request, municipality, key)
        except (EditConflict, IntegrityError):  # IntegrityError: two created it at once
            form, state["differences"] = form.conflict_with(
                lambda data: form_class(
                    data, instance=_stored(model, municipality, key, instance), **extra
                )
            )
            state["conflict"] = True
    elif form.is_bound and hasattr(form, "keep_uploads"):
        form.keep_uploads()
    context = {
        "municipality": municipality,
        "slug": municipality.slug,
        "key": key,
        "form": form,
        "instance": instance,
        "action": request.path,
        **state,
    }
    template = f"{FORM}#law_form" if request.htmx else FORM
    return render(request, template, context)


def _stored(model, municipality, key, instance):
    """The item as stored now, after a conflict (the coordinating function: the one a
    second "first" save met)."""
    if key == "samordning":
        return get_object_or_404(model, municipality=municipality)
    return get_object_or_404(model, pk=instance.pk, municipality=municipality)


@login_required
@require_http_methods(["GET", "POST"])
def situation_report_create(request, kommun):
    return _edit(request, kommun, "lagesbild")


@login_required
@require_http_methods(["GET", "POST"])
def situation_report_edit(request, kommun, situation_report_pk):
    return _edit(request, kommun, "lagesbild", situation_report_pk)


@login_required
@require_http_methods(["GET", "POST"])
def prevention_plan_create(request, kommun):
    return _edit(request, kommun, "atgardsplan")


@login_required
@require_http_methods(["GET", "POST"])
def prevention_plan_edit(request, kommun, prevention_plan_pk):
    return _edit(request, kommun, "atgardsplan", prevention_plan_pk)


@login_required
@require_http_methods(["GET", "POST"])
def coordination_edit(request, kommun):
    return _edit(request, kommun, "samordning")


@login_required
@require_GET
def police_area_page(request, omrade):
    """Each of the area's municipalities side by side: agreements and promises in force,
    plan progress, follow-up due and the law's items."""
    area = get_police_area(request.user, omrade)
    municipalities = area.municipalities.order_by("name")
    overviews = municipality_overviews(request.user, municipalities, timezone.localdate())
    visible = set(
        visible_municipalities(request.user)
        .filter(pk__in=[each.municipality.pk for each in overviews])
        .values_list("pk", flat=True)
    )
    for overview in overviews:
        overview.may_see_page = overview.municipality.pk in visible
    return render(request, "areas/police_area.html", {"area": area, "overviews": overviews})
