from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.access import get_agreement

from .trail import Trail, agreement_scopes, row_belongs_to, row_scopes


@login_required
@require_GET
def agreement_history(request, pk):
    """Historik: every change to the agreement and all it holds, newest first, with who
    made it and each field before and after; the htmx request gets just the list."""
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
    page = Trail(scopes).page(request.GET.get("sida"))
    context = {"agreement": agreement, "page": page, "row_id": row_id}
    template = "audit/history.html#trail" if request.htmx else "audit/history.html"
    return render(request, template, context)
