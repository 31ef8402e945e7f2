"""Mina uppgifter (followup/my_tasks.py): the page, and for HTMX requests just the list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .my_tasks import my_tasks

PAGE = "followup/my_tasks.html"


@login_required
@require_GET
def my_tasks_page(request):
    """The rows that are the user's, filtered by municipality and status (a GET form that
    works without JavaScript; HTMX swaps only the list)."""
    today = timezone.localdate()
    context = {"my": my_tasks(request.user, today, request.GET), "today": today}
    return render(request, f"{PAGE}#task_list" if request.htmx else PAGE, context)
