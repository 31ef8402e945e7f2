"""Logga uppföljning: what was done on an action plan's row, recorded as it happens."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actionplans.models import ActionItem, get_plan, plan_page_agreements
from agreements.access import (
    check_may_change_plan,
    check_may_post,
    editing_rights,
    get_agreement,
    get_agreement_for_editing,
    may_edit,
)
from samverkan.params import query_id
from samverkan.sent_once import save_once
from samverkan.versioning import EditConflict

from .attachments import AttachmentForm
from .calendar import feed_token
from .forms import (
    CadenceForm,
    FollowUpEntryForm,
    IndicatorForm,
    MeasurementForm,
    ReportForm,
    TimelineFilterForm,
)
from .models import LATEST_FIRST, FollowUpCadence, FollowUpEntry, FollowUpReport, ReportStatus
from .my_tasks import saved_and_next, saved_entry_url
from .news import timeline_page, with_seen_marks
from .report import (
    build_contents,
    contents_of,
    indicator_data,
    indicators_of,
    report_proposal,
    with_chart,
)
from .todo import agreement_to_do, in_force, open_rows, with_follow_up

TIMELINE_PAGE_SIZE = 50

PAGE = "followup/entry_form.html"


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, pk, plan_pk, item_pk):
    """The form, and the row's entries so far, newest first. `?rattar=<id>` corrects one:
    a new entry pointing back at it; both stay (entries are never changed or deleted)."""
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    # Logging follows the plan's rule: docs/editing.md says why.
    check_may_change_plan(request.user, agreement, plan)
    item = ActionItem.objects.get_for(plan, item_pk)
    entries = FollowUpEntry.objects.filter(item=item)
    corrects = None
    corrects_pk = query_id(request, "rattar")
    if corrects_pk is not None:
        corrects = entries.filter(pk=corrects_pk).first()
        if corrects is None:
            raise Http404
    form = FollowUpEntryForm(
        request.POST or None,
        request.FILES or None,
        item=item,
        agreement=agreement,
        author=request.user,
        corrects=corrects,
    )
    message, saved = "", None
    if form.is_bound and form.is_valid():
        saved = save_once(request, form, form.save_entry)
        form.forget_uploads()  # also when it was sent before: the file sent again goes
        message = _("The follow-up was saved.")
        if not request.htmx:
            messages.success(request, message)
            return redirect(saved_entry_url(request.path, saved))
        corrects = None
        form = FollowUpEntryForm(item=item, agreement=agreement, author=request.user)
    elif form.is_bound:
        form.keep_uploads()  # shown again: the chosen file need not be chosen again
    context = {
        "agreement": agreement,
        "plan": plan,
        "item": item,
        "form": form,
        "corrects": corrects,
        "message": message,
        "attaching": True,  # check_may_change_plan said so: entries' files may change here
        **saved_and_next(request, item, entries, saved),
        "entries": with_seen_marks(request.user, item, entries),
    }
    return render(request, f"{PAGE}#logging" if request.htmx else PAGE, context)


# --- An agreement's follow-up: the timeline, what to follow up, cadences, indicators, reports


def follow_up_queryset():
    return with_follow_up(plan_page_agreements())


def timeline_entries(agreement):
    return (
        FollowUpEntry.objects.filter(item__plan__agreement=agreement)
        .select_related("item__plan", "item__focus_area", "corrects")
        .prefetch_related("participants", "corrections", "attachments")
        .order_by(*LATEST_FIRST)
    )


@login_required
@require_GET
def follow_up(request, pk):
    """Uppföljning: an agreement's timeline of entries, filtered by focus area, party and
    period (the htmx request gets just the timeline), with what to follow up now, the
    cadences, the indicators and the reports."""
    agreement = get_agreement(request.user, pk, follow_up_queryset())
    form = TimelineFilterForm(request.GET or None, agreement=agreement)
    entries = form.filter(timeline_entries(agreement))
    page = timeline_page(request, agreement, entries, TIMELINE_PAGE_SIZE)  # with what is new
    context = {
        "agreement": agreement,
        "form": form,
        "page": page,
        "query": urlencode({k: v for k, v in request.GET.items() if k != "sida"}),
        "may_edit": may_edit(request.user, agreement),
    }
    if request.htmx:
        return render(request, "followup/follow_up.html#timeline", context)
    today = timezone.localdate()
    to_do = agreement_to_do_if_in_force(agreement, today)
    if to_do:
        to_do.allow(editing_rights(request.user, agreement))
    cadences = list(agreement.cadences.all())
    for cadence in cadences:
        cadence.next_on = cadence.next_after(today)
    indicators = [
        with_chart({**indicator_data(indicator), "where": where_of(indicator)})
        for indicator in indicators_of(agreement).select_related("focus_area")
    ]
    context |= {
        "to_do": to_do,
        "today": today,
        "in_force": in_force(agreement, today),
        "cadences": cadences,
        "indicators": indicators,
        "reports": agreement.report_list[::-1],
        "calendar_url": request.build_absolute_uri(
            reverse("calendar_feed", args=[feed_token(request.user, agreement)])
        ),
    }
    return render(request, "followup/follow_up.html", context)


def agreement_to_do_if_in_force(agreement, today):
    if not in_force(agreement, today):
        return None
    return agreement_to_do(agreement, list(open_rows([agreement.pk])), today)


def where_of(indicator) -> str:
    if indicator.focus_area_id:
        return indicator.focus_area.title
    return indicator.item.activity if indicator.item_id else ""


def hub_url(agreement) -> str:
    return reverse("follow_up", args=[agreement.pk])


@login_required
@require_http_methods(["GET", "POST"])
def cadence_create(request, pk):
    agreement = get_agreement_for_editing(request.user, pk)
    form = CadenceForm(request.POST or None, instance=FollowUpCadence(agreement=agreement))
    if form.is_bound and form.is_valid():
        save_once(request, form, form.save)
        messages.success(request, _("The follow-up cadence was added."))
        return redirect(hub_url(agreement) + "#kadens")
    return render(request, "followup/cadence_form.html", {"agreement": agreement, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cadence_delete(request, pk, cadence_pk):
    """Asks first (GET), removes on POST. Entries and reports are not touched."""
    agreement = get_agreement_for_editing(request.user, pk)
    cadence = get_object_or_404(agreement.cadences, pk=cadence_pk)
    if request.method == "POST":
        cadence.delete()
        messages.success(request, _("The follow-up cadence was removed."))
        return redirect(hub_url(agreement) + "#kadens")
    context = {"agreement": agreement, "cadence": cadence}
    return render(request, "followup/cadence_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_form(request, pk, indicator_pk=None):
    """Nytt mätbart mål, and changing one: on a focus area or on one row."""
    agreement = get_agreement_for_editing(request.user, pk)
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(agreement.indicators, pk=indicator_pk)
    initial = {}
    if indicator is None and request.GET.get("fokusomrade"):
        initial["focus_area"] = request.GET["fokusomrade"]
    if indicator is None and request.GET.get("rad"):
        initial["item"] = request.GET["rad"]
    if indicator is not None and "cancel" in request.POST:  # Behåll den sparade versionen
        return redirect("indicator_detail", agreement.pk, indicator.pk)
    form = IndicatorForm(
        request.POST or None, instance=indicator, agreement=agreement, initial=initial
    )
    context = {"agreement": agreement, "indicator": indicator}
    if form.is_bound and form.is_valid():
        try:
            indicator = save_once(request, form, form.save_checked)
            messages.success(request, _("The indicator was saved."))
            return redirect("indicator_detail", agreement.pk, indicator.pk)
        except EditConflict:
            form, context["differences"] = form.conflict_with(
                lambda data: IndicatorForm(
                    data,
                    instance=get_object_or_404(agreement.indicators, pk=indicator_pk),
                    agreement=agreement,
                )
            )
            context["conflict"] = True
    context["form"] = form
    return render(request, "followup/indicator_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request, pk, indicator_pk):
    """An indicator's chart and measurements; its editors add a measurement here (one per
    date: a second value on a date replaces the first)."""
    agreement = get_agreement(request.user, pk)
    indicator = get_object_or_404(
        indicators_of(agreement).select_related("focus_area"), pk=indicator_pk
    )
    editing = check_may_post(request, agreement)
    form = MeasurementForm(request.POST or None, indicator=indicator) if editing else None
    message = ""
    if form is not None and form.is_bound and form.is_valid():
        form.save_measurement()
        message = _("The measurement was saved.")
        if not request.htmx:
            messages.success(request, message)
            return redirect(request.path)
        indicator = indicators_of(agreement).select_related("focus_area").get(pk=indicator.pk)
        form = MeasurementForm(indicator=indicator)
    data = with_chart({**indicator_data(indicator), "where": where_of(indicator)})
    context = {
        "agreement": agreement,
        "indicator": indicator,
        "data": data,
        "form": form,
        "message": message,
        "may_edit": editing,
    }
    template = "followup/indicator_detail.html"
    return render(request, f"{template}#measuring" if request.htmx else template, context)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request, pk):
    """Ny uppföljningsrapport: period, title and recipients proposed from the cadence's
    report due now (else the last calendar year); the summary is written from the data."""
    agreement = get_agreement_for_editing(request.user, pk, follow_up_queryset())
    form = ReportForm(
        request.POST or None,
        instance=FollowUpReport(agreement=agreement),
        initial=report_proposal(agreement, timezone.localdate()),
    )
    if form.is_bound and form.is_valid():
        report = save_once(request, form, form.save_new)
        messages.success(request, _("The report was created as a draft."))
        return redirect("report_detail", agreement.pk, report.pk)
    return render(request, "followup/report_create.html", {"agreement": agreement, "form": form})


def get_report(agreement, report_pk):
    return get_object_or_404(agreement.follow_up_reports.all(), pk=report_pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk, report_pk):
    """The report: its own words (a form while it is a draft and the user may edit) and
    what the product knows for the period. Final reports are read-only."""
    agreement = get_agreement(request.user, pk)
    report = get_report(agreement, report_pk)
    may_change = check_may_post(request, agreement)
    editing = may_change and not report.is_final
    kept = "cancel" in request.POST  # Behåll den sparade versionen
    if kept and not request.htmx:
        return redirect(request.path)
    form = ReportForm(None if kept else request.POST or None, instance=report) if editing else None
    message, state = "", {}
    if request.method == "POST" and not editing and not kept:
        # Made final after this user opened the form: told so, with what they wrote.
        report, form, state = _report_conflict(
            agreement, report_pk, ReportForm(request.POST, instance=report)
        )
    if form is not None and form.is_bound and form.is_valid():
        try:
            # Only while it is a draft: a report made final meanwhile is not written.
            report = form.save_checked(status=ReportStatus.DRAFT)
            message = _("The report was saved.")
            if not request.htmx:
                messages.success(request, message)
                return redirect(request.path)
        except EditConflict:
            report, form, state = _report_conflict(agreement, report_pk, form)
    context = {
        **state,
        "agreement": agreement,
        "report": report,
        "form": form,
        "message": message,
        "contents": contents_of(report),
        "may_edit": may_edit(request.user, agreement),
        "attachment_form": AttachmentForm(),
    }
    template = "followup/report_detail.html"
    return render(request, f"{template}#report_text" if request.htmx else template, context)


def _report_conflict(agreement, report_pk, form):
    """(report, form, state) after a save that lost: someone saved the report, or made it
    final, since the form was opened. A final report takes no more text: the user is told
    so and sees what they wrote beside what was sent, to use elsewhere."""
    report = get_report(agreement, report_pk)
    if report.is_final:
        form.is_valid()  # the comparison reads what was typed, cleaned
        saved = ReportForm(instance=report)
        state = {"differences": form.differences_from(saved), "made_final": True}
        return report, None, state
    form, differences = form.conflict_with(
        lambda data: ReportForm(data, instance=get_report(agreement, report_pk))
    )
    return report, form, {"differences": differences, "conflict": True}


@login_required
@require_http_methods(["GET", "POST"])
def report_finalise(request, pk, report_pk):
    """Gör slutgiltig: asks first; then freezes what the report shows, for good."""
    agreement = get_agreement_for_editing(request.user, pk)
    report = get_report(agreement, report_pk)
    if report.is_final:
        messages.info(request, _("The report is already final."))
        return redirect("report_detail", agreement.pk, report.pk)
    if request.method == "POST":
        if report.finalise(build_contents(report), timezone.localdate()):
            messages.success(request, _("The report is final and can no longer be changed."))
        else:  # someone else made it final in the meantime: theirs is the one kept
            messages.info(request, _("The report is already final."))
        return redirect("report_detail", agreement.pk, report.pk)
    return render(
        request, "followup/report_finalise.html", {"agreement": agreement, "report": report}
    )
