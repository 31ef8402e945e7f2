"""Sök (`/sok/?q=…`): the search over everything the user may see (pages/search.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from samverkan.params import is_id

from .search import KINDS, LAST_PAGE, SearchForm, search


@login_required
@require_safe
def search_page(request):
    """The form, and for a valid search the first hits of each kind, or with `?typ=` one
    kind page by page (`?sida=`). A page number or kind that makes no sense shows the
    first page of all kinds."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        page = request.GET.get("sida", "")
        page = int(page) if is_id(page) and 1 <= int(page) <= LAST_PAGE else 1
        results = search(request.user, form.cleaned_data["q"], request.GET.get("typ", ""), page)
    return render(
        request, "agreements/search.html", {"form": form, "results": results, "kinds": KINDS}
    )
