"""Ticking and unticking an item of the five steps, on the agreement page.

Each URL serves the whole agreement page and, for HTMX requests, only the steps panel; a
plain POST that succeeds goes back to the page (at the panel) with a message. Editors of
the agreement tick; readers get 403, outsiders 404 (agreements/access.py). Two people
ticking the same item at once: the first tick stands and the second is told who ticked it;
an untick names the tick and the version it saw, so a tick made anew is never taken away
unseen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.access import get_agreement_for_editing
from agreements.models import StepItem, StepTick
from agreements.step_forms import StepTickForm, StepUntickForm
from printing.agreement_document import document_queryset

from .steps import cycle_steps
from .views import agreement_page

PANEL = "agreements/_steps.html"


def _item(value: str) -> StepItem:
    if value not in StepItem.values:
        raise Http404
    return StepItem(value)


@login_required
@require_http_methods(["GET", "POST"])
def step_tick(request, pk, item):
    """Bocka av: the item's form opened (GET), or the item ticked (POST)."""
    item = _item(item)
    agreement = get_agreement_for_editing(request.user, pk, document_queryset())
    form = StepTickForm(request.POST or None, agreement=agreement, item=item, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
            notice = _("Ticked: %(item)s.") % {"item": item.label}
        except IntegrityError:  # ticked by someone else since the page was opened
            notice = _already_ticked(agreement, item)
        return _done(request, agreement, notice)
    steps = cycle_steps(agreement, request.user, may_tick=True)
    state = steps.item(item)
    state.form, state.open_form = form, True
    if request.htmx:
        return render(request, PANEL, {"steps": steps})
    context = {**agreement_page(request, agreement, steps), "form": form}
    return render(request, "agreements/agreement_detail.html", context)


@login_required
@require_POST
def step_untick(request, pk, item):
    """Ta bort bocken: the tick taken away, if it is still the one the user saw."""
    item = _item(item)
    agreement = get_agreement_for_editing(request.user, pk, document_queryset())
    form = StepUntickForm(request.POST)
    removed = False
    if form.is_valid():
        with transaction.atomic():
            ticks = StepTick.objects.select_for_update().filter(
                agreement=agreement,
                item=item,
                pk=form.cleaned_data["tick"],
                version=form.cleaned_data["version"],
            )
            for tick in ticks:
                tick.delete()  # one by one, so that the history records who took it away
                removed = True
    if removed:
        notice = _("The tick was taken away: %(item)s.") % {"item": item.label}
    else:
        notice = _(
            "The tick was changed or taken away by someone else after you opened the page. "
            "The list shows it as it is now."
        )
    return _done(request, agreement, notice)


def _already_ticked(agreement, item) -> str:
    tick = StepTick.objects.filter(agreement=agreement, item=item).first()
    if tick is None:
        return _("The item could not be ticked. Try again.")
    return _("%(item)s was already ticked by %(name)s on %(day)s.") % {
        "item": item.label,
        "name": tick.ticked_by_shown or _("someone"),
        "day": tick.ticked_on.isoformat(),
    }


def _done(request, agreement, notice):
    if request.htmx:
        steps = cycle_steps(agreement, request.user, may_tick=True)
        steps.notice = notice
        return render(request, PANEL, {"steps": steps})
    messages.info(request, notice)
    return redirect(reverse("agreement_detail", args=[agreement.pk]) + "#steg")
