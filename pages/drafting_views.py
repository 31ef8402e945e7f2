"""The draft editor: an agreement's facts and parts changed in place.

As on the action plan page, each URL serves the whole editor with the part in the state
asked for (a form, a confirmation, a conflict) and, for HTMX requests, only that part or
its list; Avbryt is a submit button named "cancel". Only drafts change: a signed text is
copied into a new draft instead.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actionplans.models import ActionItem
from agreements.access import (
    check_may_create_agreements,
    get_agreement,
    get_draft_for_editing,
    visible_agreements,
)
from agreements.drafting import AgreementFactsForm, FollowUpArrangementForm, ProblemPictureForm
from agreements.models import (
    AgreementStatus,
    Party,
    ProblemArea,
    ProblemPicture,
)
from exchange.copying import copy_agreement
from samverkan.fetching import page_fetch_mode
from samverkan.ordering import swap_with_neighbour
from samverkan.params import query_id
from samverkan.sent_once import SentOnceButton, save_once
from samverkan.versioning import EditConflict

from .drafting import PART_KINDS, NewAgreementForm, get_kind, new_part, save_new_part
from .period_texts import finished_before, old_period_texts

PAGE = "agreements/draft_editor.html"


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    """Ny överenskommelse: a draft from scratch or as a copy."""
    check_may_create_agreements(request.user)
    visible = visible_agreements(request.user)
    form = NewAgreementForm(request.POST or None, user=request.user, visible=visible)
    if form.is_bound and form.is_valid():
        agreement = save_once(request, form, form.create)
        messages.success(request, _("The draft was created."))
        return redirect("draft_editor", agreement.pk)
    return render(request, "agreements/agreement_create.html", {"form": form})


@login_required
@require_POST
def agreement_copy(request, pk):
    """Kopiera till nytt utkast: the way to change a signed agreement's text."""
    check_may_create_agreements(request.user)
    original = get_agreement(request.user, pk)
    form = SentOnceButton(request.POST)
    form.is_valid()  # a missing or malformed key is no key: copied each time
    copy = save_once(request, form, lambda: copy_agreement(original))
    messages.success(request, _("A new draft was made as a copy. Edit it here."))
    return redirect("draft_editor", copy.pk)


@login_required
@require_http_methods(["GET"])
def draft_editor(request, pk):
    return _page(request, get_draft_for_editing(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def draft_facts(request, pk):
    """Title, period and renewal rule, in place."""
    agreement = get_draft_for_editing(request.user, pk)
    if "cancel" in request.POST:
        return _facts(request, agreement)
    form = _focus_first_field(
        AgreementFactsForm(request.POST or None, instance=agreement, user=request.user)
    )
    state = {}  # after a conflict: the differences to show beside the form
    if form.is_bound and form.is_valid():
        try:
            # Only while a draft: made ready for signature meanwhile, it is not written.
            form.save_checked(status=AgreementStatus.DRAFT)
            return _facts(request, agreement)
        except EditConflict:
            form, state["differences"] = form.conflict_with(
                lambda data: AgreementFactsForm(
                    data, instance=get_draft_for_editing(request.user, pk), user=request.user
                )
            )
            state["conflict"] = True
    if request.htmx:
        return _render(request, f"{PAGE}#facts_form", agreement, form=form, **state)
    return _page(request, agreement, facts_form=form, **state)


@login_required
@require_http_methods(["GET", "POST"])
def draft_follow_up(request, pk):
    """The follow-up arrangement (who, how often, to whom, where published), in place."""
    agreement = get_draft_for_editing(request.user, pk)
    if "cancel" in request.POST:
        return _follow_up(request, agreement)
    form = _focus_first_field(FollowUpArrangementForm(request.POST or None, instance=agreement))
    state = {}  # after a conflict: the differences to show beside the form
    if form.is_bound and form.is_valid():
        try:
            form.save_checked(status=AgreementStatus.DRAFT)
            return _follow_up(request, agreement)
        except EditConflict:
            form, state["differences"] = form.conflict_with(
                lambda data: FollowUpArrangementForm(
                    data, instance=get_draft_for_editing(request.user, pk)
                )
            )
            state["conflict"] = True
    if request.htmx:
        return _render(request, f"{PAGE}#follow_up_form", agreement, form=form, **state)
    return _page(request, agreement, follow_up_form=form, **state)


@login_required
@require_http_methods(["GET", "POST"])
def draft_picture(request, pk):
    """The problem picture's own texts, in place; created the first time it is saved."""
    agreement = get_draft_for_editing(request.user, pk)
    picture = ProblemPicture.objects.filter(agreement=agreement).first()
    if "cancel" in request.POST:
        return _picture(request, agreement)
    form = _focus_first_field(
        ProblemPictureForm(
            request.POST or None, instance=picture or ProblemPicture(agreement=agreement)
        )
    )
    state = {}  # after a conflict: the differences to show beside the form
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                form.save_checked()
            return _picture(request, agreement)
        except (EditConflict, IntegrityError):  # IntegrityError: two created it at once
            form, state["differences"] = form.conflict_with(
                lambda data: ProblemPictureForm(
                    data, instance=get_object_or_404(ProblemPicture, agreement=agreement)
                )
            )
            state["conflict"] = True
    if request.htmx:
        return _render(request, f"{PAGE}#picture_form", agreement, form=form, **state)
    return _page(request, agreement, picture_form=form, **state)


@login_required
@require_http_methods(["GET", "POST"])
def part_create(request, pk, kind):
    """Lägg till: an empty form at the end of the list it will join."""
    agreement = get_draft_for_editing(request.user, pk)
    kind = get_kind(kind)
    parent_pk = query_id(request, "i")
    part = new_part(kind, agreement, parent_pk)
    parent_pk = getattr(part, f"{kind.parent}_id")
    list_id = kind.list_id(parent_pk)
    if "cancel" in request.POST:
        return HttpResponse("") if request.htmx else _back_to(agreement, list_id)
    form = _focus_first_field(kind.form(request.POST or None, instance=part))
    if form.is_bound and form.is_valid():
        created = save_once(request, form, lambda: save_new_part(kind, form))
        return _part_response(request, agreement, kind, created)
    state = {"kind": kind, "form": form, "adding": (kind.slug, parent_pk), "parent_pk": parent_pk}
    if request.htmx:
        return _render(request, f"{PAGE}#new_part_form", agreement, **state)
    return _page(request, agreement, **state)


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request, pk, kind, part_pk):
    agreement = get_draft_for_editing(request.user, pk)
    kind = get_kind(kind)
    part = kind.get(agreement, part_pk)
    if "cancel" in request.POST:
        return _part_response(request, agreement, kind, part)
    form = _focus_first_field(kind.form(request.POST or None, instance=part))
    if form.is_bound and form.is_valid():
        try:
            form.save_checked()
        except EditConflict:
            return _conflict(request, agreement, kind, form, part_pk)
        return _part_response(request, agreement, kind, part)
    state = {"kind": kind, "part": part, "form": form, "state": "form"}
    if request.htmx:
        return _render(request, f"{PAGE}#part_form", agreement, **state)
    return _page(request, agreement, shown=(kind.slug, part.pk, "form"), form=form)


@login_required
@require_http_methods(["GET", "POST"])
def part_delete(request, pk, kind, part_pk):
    """Ta bort: GET asks in place; POST removes the part."""
    agreement = get_draft_for_editing(request.user, pk)
    kind = get_kind(kind)
    part = kind.get(agreement, part_pk)
    if "cancel" in request.POST:
        return _part_response(request, agreement, kind, part)
    if request.method == "GET":
        if request.htmx:
            return _render(request, f"{PAGE}#part_delete", agreement, kind=kind, part=part)
        return _page(request, agreement, shown=(kind.slug, part.pk, "delete"))
    parent_pk = getattr(part, f"{kind.parent}_id")
    if refusal := kind.why_it_stays(part):
        return _list_response(request, agreement, kind, parent_pk, message=refusal, focus=None)
    part.delete()
    return _list_response(request, agreement, kind, parent_pk, message=_("Deleted."), focus=None)


@login_required
@require_POST
def part_move(request, pk, kind, part_pk):
    """Flytta upp / Flytta ned among the parts of the same list."""
    agreement = get_draft_for_editing(request.user, pk)
    kind = get_kind(kind)
    part = kind.get(agreement, part_pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    siblings = kind.siblings(part)
    moved = swap_with_neighbour(part, direction, among=siblings, parent_rows=siblings)
    if moved is None:
        message = _("Already first.") if direction == "up" else _("Already last.")
    else:
        message = _("Moved up.") if direction == "up" else _("Moved down.")
    parent_pk = getattr(part, f"{kind.parent}_id")
    return _list_response(
        request, agreement, kind, parent_pk, message=message, focus=(part.pk, direction)
    )


def _focus_first_field(form):
    """The form opens in place of the text: the writing starts in its first field."""
    visible = form.visible_fields()
    if visible:
        visible[0].field.widget.attrs["autofocus"] = True
    return form


def _editor_context(agreement, user) -> dict:
    """Everything the editor shows, each kind of part in one query."""
    mode = page_fetch_mode()
    picture = (
        ProblemPicture.objects.fetch_mode(mode)
        .select_related("situation_report__municipality")
        .prefetch_related(
            "sources",
            Prefetch("areas", queryset=ProblemArea.objects.prefetch_related("items")),
        )
        .filter(agreement=agreement)
        .first()
    )
    return {
        "agreement": agreement,
        "parties": list(
            Party.objects.fetch_mode(mode)
            .select_related("organisation")
            .filter(agreement=agreement)
        ),
        "sections": list(agreement.sections.all()),
        "overall_goals": list(agreement.overall_goals.all()),
        "focus_areas": list(agreement.focus_areas.all()),
        "signatories": list(
            agreement.signatories.fetch_mode(mode).select_related("party__organisation")
        ),
        "picture": picture,
        # Promises carried over from the period before (Nytt medborgarlöfte för <år>).
        "carried": list(
            ActionItem.objects.fetch_mode(mode)
            .select_related("plan__agreement", "carried_from__plan")
            .filter(plan__agreement=agreement)
            .exclude(carried_from_period="")
            .order_by("plan__position", "position")
        ),
        # Nästa period: the texts still naming the period before, the rows finished then.
        "old_period": old_period_texts(agreement),
        "finished_before": finished_before(agreement, user),
        "kinds": PART_KINDS,
    }


def _page(request, agreement, shown=None, **state):
    """The whole editor. `shown` = (kind slug, part id, "form" | "delete" | "conflict")."""
    context = {**_editor_context(agreement, request.user), **state}
    if shown:
        context["shown"] = {"slug": shown[0], "pk": shown[1], "state": shown[2]}
    return render(request, PAGE, context)


def _render(request, template, agreement, **context):
    return render(request, template, {"agreement": agreement, "kinds": PART_KINDS, **context})


def _facts(request, agreement):
    if not request.htmx:
        return _back_to(agreement, "uppgifter")
    agreement.refresh_from_db()
    return _render(request, f"{PAGE}#facts_saved", agreement)


def _follow_up(request, agreement):
    if not request.htmx:
        return _back_to(agreement, "uppfoljning")
    agreement.refresh_from_db()
    return _render(request, f"{PAGE}#follow_up_facts", agreement)


def _picture(request, agreement):
    if not request.htmx:
        return _back_to(agreement, "problembild")
    picture = (
        ProblemPicture.objects.select_related("situation_report__municipality")
        .filter(agreement=agreement)
        .first()
    )
    return _render(request, f"{PAGE}#picture_facts", agreement, picture=picture)


def _part_response(request, agreement, kind, part):
    """After Spara or Avbryt: the part as stored, with the focus back on its Redigera."""
    if not request.htmx:
        return _back_to(agreement, f"{kind.slug}-{part.pk}")
    part = kind.get(agreement, part.pk)
    return _render(request, f"{PAGE}#part", agreement, kind=kind, part=part, focus="edit")


def _conflict(request, agreement, kind, form, part_pk):
    mine, differences = form.conflict_with(
        lambda data: kind.form(data, instance=kind.get(agreement, part_pk))
    )
    state = {"kind": kind, "part": mine.instance, "form": mine, "differences": differences}
    if request.htmx:
        return _render(request, f"{PAGE}#part_conflict", agreement, **state)
    return _page(
        request, agreement, shown=(kind.slug, part_pk, "conflict"), **{**state, "part": None}
    )


def _list_response(request, agreement, kind, parent_pk, *, message, focus):
    list_id = kind.list_id(parent_pk)
    if not request.htmx:
        messages.success(request, message)
        return _back_to(agreement, list_id)
    context = {
        "kind": kind,
        "parts": kind.listed(parent_pk),
        "parent_pk": parent_pk,
        "message": message,
        "focus": focus,
    }
    return _render(request, f"{PAGE}#part_list", agreement, **context)


def _back_to(agreement, anchor):
    return redirect(reverse("draft_editor", args=[agreement.pk]) + f"#{anchor}")
