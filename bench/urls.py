"""The project's URLs plus the floors the plan page and a row save are measured against."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from actionplans.models import ActionItem
from samverkan.urls import handler500  # noqa: F401 - the project's error pages here too
from samverkan.urls import urlpatterns as project_urlpatterns

# The admin's change list shows all 500 rows on one page, as the plan page does.
admin.site._registry[ActionItem].list_per_page = 1000


def bare(request, plan_pk):
    """The same rows' fields printed with no logic: the floor for a 500-row page."""
    rows = ActionItem.objects.filter(plan_id=plan_pk).order_by("position")
    return render(request, "bench/bare.html", {"rows": rows})


def minimal(request):
    return HttpResponse("ok")


@login_required
@require_POST
def conditional_update(request, item_pk):
    """The floor for a row save: a logged-in user's POST (session, user, CSRF) that writes
    the row's activity in one conditional UPDATE, as Versioned.save_if_unchanged does, and
    answers with the redirect a plain save answers with; 409 if the version was not met."""
    updated = ActionItem.objects.filter(pk=item_pk, version=request.POST["version"]).update(
        activity=request.POST["activity"], version=F("version") + 1
    )
    if not updated:
        return HttpResponse(status=409)
    return HttpResponseRedirect(f"/bench/minimal/#rad-{item_pk}")


urlpatterns = [
    *project_urlpatterns,
    path("bench/bare/<int:plan_pk>/", bare),
    path("bench/minimal/", minimal),
    path("bench/update/<int:item_pk>/", conditional_update),
]
