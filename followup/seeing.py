"""Markera som sedd: an editor of the entry's plan says they read a follow-up entry, so its
writer knows (followup/news.py), on the timeline and on the row's logging page. One URL,
for HTMX (the mark in place) and plain POST (back to the entry on the timeline, or on the
logging page when the form says it came from there)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionplans.models import plan_page_agreements
from agreements.access import check_may_change_plan, get_agreement

from .models import EntrySeen, FollowUpEntry

BACK_KEY, BACK_TO_ROW = "tillbaka", "rad"


@login_required
@require_POST
def entry_seen(request, pk, entry_pk):
    """404 for who may not see the agreement or an entry not in it; 403 for readers, for
    editors of other plans and for the entry's own writer. Marking twice keeps the first
    mark (EntrySeen.mark)."""
    agreement = get_agreement(request.user, pk, plan_page_agreements())
    entries = FollowUpEntry.objects.filter(item__plan__agreement=agreement)
    entry = get_object_or_404(entries.select_related("item__plan"), pk=entry_pk)
    check_may_change_plan(request.user, agreement, entry.item.plan)
    if entry.author_id == request.user.pk:
        raise PermissionDenied
    entry.seen = EntrySeen.mark(entry, request.user)
    if request.htmx:
        context = {"agreement": agreement, "entry": entry, "just_marked": True}
        return render(request, "followup/_entry_seen.html", context)
    messages.success(request, _("The entry is marked as seen."))
    if request.POST.get(BACK_KEY) == BACK_TO_ROW:  # marked on the row's logging page
        row = entry.item
        logging = reverse("entry_create", args=[agreement.pk, row.plan_id, row.pk])
        return redirect(f"{logging}#post-{entry.pk}")
    timeline = reverse("follow_up", args=[agreement.pk])
    return redirect(f"{timeline}?rad={entry.item_id}#post-{entry.pk}")
