"""Logga uppföljning: what was done on an action plan's row, recorded as it happens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actionplans.table import agreement_queryset, get_plan, get_row
from agreements.access import get_agreement_for_editing

from .forms import FollowUpEntryForm
from .models import FollowUpEntry

PAGE = "followup/entry_form.html"


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, pk, plan_pk, item_pk):
    """The form, and the row's entries so far, newest first. `?rattar=<id>` corrects one:
    a new entry pointing back at it; both stay (entries are never changed or deleted)."""
    agreement = get_agreement_for_editing(request.user, pk, agreement_queryset())
    if not agreement.plans_are_editable:
        raise PermissionDenied
    plan = get_plan(agreement, plan_pk)
    item = get_row(plan, item_pk)
    entries = FollowUpEntry.objects.filter(item=item)
    corrects = None
    if request.GET.get("rattar"):
        corrects = entries.filter(pk=request.GET["rattar"]).first()
        if corrects is None:
            raise Http404
    form = FollowUpEntryForm(
        request.POST or None,
        item=item,
        agreement=agreement,
        author=request.user,
        corrects=corrects,
    )
    message = ""
    if form.is_bound and form.is_valid():
        form.save_entry()
        message = _("The follow-up was saved.")
        if not request.htmx:
            messages.success(request, message)
            return redirect(request.path)
        corrects = None
        form = FollowUpEntryForm(item=item, agreement=agreement, author=request.user)
    context = {
        "agreement": agreement,
        "plan": plan,
        "item": item,
        "form": form,
        "corrects": corrects,
        "message": message,
        "entries": entries.select_related("corrects")
        .prefetch_related("participants", "corrections")
        .order_by("-occurred_on", "-created_at"),
    }
    return render(request, f"{PAGE}#logging" if request.htmx else PAGE, context)
