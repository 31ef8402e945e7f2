"""The project's URLs plus the two floors the plan page is measured against."""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

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


urlpatterns = [
    *project_urlpatterns,
    path("bench/bare/<int:plan_pk>/", bare),
    path("bench/minimal/", minimal),
]
