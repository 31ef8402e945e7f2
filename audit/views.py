from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.access import get_agreement

from .saves import history_page
from .trail import agreement_scopes, row_belongs_to, row_scopes


@login_required
@require_GET
def agreement_history(request, pk):
    """Historik: every change to the agreement and all it holds, newest first, a save to
    an entry, with who made it and each field before and after, filtered by who, the kind
    of change and the days (a GET form); the htmx request gets just the list."""
    agreement = get_agreement(request.user, pk)
    return _trail_page(request, agreement, agreement_scopes(agreement.pk), row_id=None)


@login_required
@require_GET
def row_history(request, pk, item_pk):
    """Historik of one action row and its responsibilities, also after the row is deleted."""
    agreement = get_agreement(request.user, pk)
    if not row_belongs_to(item_pk, agreement.pk):
        raise Http404
    return _trail_page(request, agreement, row_scopes(item_pk), row_id=item_pk)


def _trail_page(request, agreement, scopes, row_id):
    form, page = history_page(scopes, request.GET)
    context = {"agreement": agreement, "page": page, "row_id": row_id, "form": form}
    template = "audit/history.html#trail" if request.htmx else "audit/history.html"
    return render(request, template, context)
