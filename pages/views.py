"""The pages that show several apps at once: Översikt (follow-up lists beside the
agreements), the agreement list, and the agreement page (the printed document with its
versions, its five steps and what the user may do)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agreements.access import (
    agreement_permissions,
    editing_rights_in,
    get_agreement,
    may_create_agreements,
    visible_agreements,
)
from agreements.forms import AgreementFilterForm
from agreements.models import AgreementKind, Party
from exchange.next_promise import next_promise_label
from followup.news import news_by_agreement
from followup.todo import agreements_in_force, follow_up_lists
from organisations.access import managed_organisations
from printing.agreement_document import build_document, document_queryset
from samverkan.fetching import page_fetch_mode
from samverkan.sent_once import SentOnceButton

from .steps import cycle_steps


def _with_parties(agreements):
    parties = Party.objects.fetch_mode(page_fetch_mode()).select_related("organisation")
    return agreements.fetch_mode(page_fetch_mode()).prefetch_related(
        Prefetch("parties", queryset=parties)
    )


@login_required
def overview(request):
    """Översikt: what the user's organisations have to follow up now, and their agreements,
    those ending first at the top."""
    visible = visible_agreements(request.user)
    today = timezone.localdate()
    agreements = _with_parties(visible.with_status_on(today)).order_by("valid_until", "title")
    to_do = follow_up_lists(
        agreements_in_force(visible, today).order_by("valid_until", "title"), today
    )
    rights = editing_rights_in(request.user, [each.agreement.pk for each in to_do])
    for agreement_to_do in to_do:
        agreement_to_do.allow(rights[agreement_to_do.agreement.pk])
    # An organisation administrator reaches their users from here (administrators: the admin).
    managed = [] if request.user.is_superuser else managed_organisations(request.user)
    context = {"agreements": agreements, "to_do": to_do, "managed": list(managed)}
    context["news"] = news_by_agreement(request.user, visible)  # new follow-up entries
    return render(request, "agreements/overview.html", context)


@login_required
def agreement_list(request):
    """Överenskommelser: the agreements the user sees, filtered by the form, those in force
    and being written before those whose time is over (AgreementQuerySet.in_list_order)."""
    visible = visible_agreements(request.user)
    form = AgreementFilterForm(request.GET or None, agreements=visible)
    today = timezone.localdate()
    agreements = form.filter(visible.in_list_order(today), today)
    agreements = _with_parties(agreements)
    template = "agreements/agreement_list.html"
    if request.htmx:
        template += "#results"
    context = {
        "form": form,
        "agreements": agreements,
        "may_create": may_create_agreements(request.user),
    }
    return render(request, template, context)


@login_required
@require_safe
def agreement_detail(request, pk):
    agreement = get_agreement(request.user, pk, document_queryset())
    return render(request, "agreements/agreement_detail.html", agreement_page(request, agreement))


def agreement_page(request, agreement, steps=None) -> dict:
    """The agreement page's context; `steps` when a tick form is to be shown as posted."""
    rights = agreement_permissions(request.user, agreement)
    return {
        "document": build_document(agreement),
        "versions": list(agreement.versions.order_by("number")),
        "rights": rights,
        "copy_form": SentOnceButton() if rights.may_copy else None,
        "steps": steps or cycle_steps(agreement, request.user, may_tick=rights.may_edit),
        **_related_agreements(request.user, agreement),
    }


def _related_agreements(user, agreement) -> dict:
    """The agreement a citizen promise is part of, a cooperation agreement's citizen
    promises, and its neighbours in its row of periods (a citizen promise's yearly
    promises, a cooperation agreement's periods: the one it continues and the one started
    from it), each only when the user may see it (each is an agreement of its own); and,
    while no next one was started, the years the button Nytt medborgarlöfte (or Nästa
    period) names. The promises and the neighbours in one query."""
    visible = visible_agreements(user)
    today = timezone.localdate()
    part_of = visible.filter(pk=agreement.part_of_id).first() if agreement.part_of_id else None
    related = Q(follows=agreement) | Q(pk=agreement.follows_id or 0)
    is_cooperation = agreement.kind == AgreementKind.COOPERATION_AGREEMENT
    if is_cooperation:
        related |= Q(part_of=agreement)
    found = list(visible.filter(related).with_status_on(today).order_by("valid_from", "title"))
    after = next((each for each in found if each.follows_id == agreement.pk), None)
    return {
        "part_of": part_of,
        "citizen_promises": [each for each in found if each.part_of_id == agreement.pk]
        if is_cooperation
        else [],
        "follows": next((each for each in found if each.pk == agreement.follows_id), None),
        "next_promise": after,
        "next_promise_years": "" if after else next_promise_label(agreement, today),
    }
