"""Nästa period: next period's draft of a cooperation agreement (and Nytt medborgarlöfte
för <år> of a citizen promise), next year's plan of a plan
renewed each year, and the draft editor's list of texts naming the period before, dismissed
(exchange/next_period.py, exchange/next_plan.py, pages/period_texts.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from actionplans.models import get_plan
from agreements.access import (
    check_may_change_plan,
    check_may_create_agreements,
    get_agreement_for_editing,
    get_draft_for_editing,
)
from agreements.models import OldPeriodTexts
from exchange.next_period import NextPeriodRefused, start_next_period
from exchange.next_plan import start_next_plan
from exchange.next_promise import NextPromiseRefused, start_next_promise

from .drafting_views import _back_to


@login_required
@require_POST
def next_period(request, pk):
    """Nästa period: next period's draft of a cooperation agreement, started from this one;
    once started (also by someone else, from a page shown before), the same button leads to
    it. For those who write agreements and change this one's shared parts."""
    original = get_agreement_for_editing(request.user, pk)  # 404 outsiders, 403 readers
    check_may_create_agreements(request.user)
    try:
        draft = start_next_period(original, timezone.localdate())
        messages.success(
            request,
            _(
                "The draft for the next period was started. Rows not finished are carried "
                "over; the texts that still name the period before are listed below."
            ),
        )
    except NextPeriodRefused as refusal:
        messages.info(request, refusal.message)
        draft = refusal.existing or original
    return _to_next(request, original, draft)


@login_required
@require_POST
def plan_next_period(request, pk, plan_pk):
    """Nästa period for a plan renewed each year: next year's plan in the same agreement;
    once made, the same button leads to it. For those who may change this plan."""
    plan = get_plan(request.user, pk, plan_pk)
    agreement = plan.agreement
    check_may_change_plan(request.user, agreement, plan)
    try:
        target = start_next_plan(plan)
        messages.success(
            request,
            _("Next year's plan was made. Rows not finished are carried over from this one."),
        )
    except NextPeriodRefused as refusal:
        messages.info(request, refusal.message)
        target = refusal.existing or plan
    url = reverse("plan_detail", args=[agreement.pk, target.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
@require_POST
def draft_old_texts(request, pk):
    """De får stå kvar: the texts still naming the period before are no longer pointed out."""
    agreement = get_draft_for_editing(request.user, pk)
    OldPeriodTexts.objects.filter(agreement=agreement, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now(), dismissed_by=request.user
    )
    messages.success(request, _("The texts naming the period before are no longer pointed out."))
    return _back_to(agreement, "uppgifter")


@login_required
@require_POST
def next_citizen_promise(request, pk):
    """Nytt medborgarlöfte för <år>: next period's draft, started from this promise; once
    started, the same button leads to it."""
    original = get_agreement_for_editing(request.user, pk)
    try:
        draft = start_next_promise(original, timezone.localdate())
        messages.success(
            request,
            _(
                "The draft of the next citizen promise was started. Promises not yet kept are "
                "carried over, and this year's citizen dialogues are listed as dialogues to hold."
            ),
        )
    except NextPromiseRefused as refusal:
        messages.info(request, refusal.message)
        draft = refusal.existing or original
    return _to_next(request, original, draft)


def _to_next(request, original, draft):
    """To the next period's draft in its editor; to its page once it is no longer a draft,
    or to the original's page when none was started."""
    target = (
        reverse("draft_editor", args=[draft.pk])
        if draft.is_draft and draft != original
        else draft.get_absolute_url()
    )
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)
