"""What is new to a user in an agreement's follow-up, and who has read it.

"New": entries recorded by someone else since the start of the user's current visit to
the agreement (agreements/models/visits.py; docs/follow-up-news.md). The timeline and the
plan page record a visit and mark new entries "Ny"; Översikt counts, per agreement, the
entries recorded since the user last looked, without recording a visit.

"Seen": an editor of the entry's plan marks an entry as read (followup/seeing.py); the
entry then says by whom and when, which its writer sees.
"""

from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Q

from agreements.access import editing_rights, may_change_plan_now
from agreements.models import AgreementVisit, visit_time

from .models import FollowUpEntry


def new_to(user, agreement_ref, field="new_since") -> Q:
    """The entries new to the user: recorded by someone else after the user's visit time
    `field` for the agreement `agreement_ref` (an id, or an OuterRef)."""
    since = visit_time(user, agreement_ref, field)
    return Q(created_at__gt=since) & ~Q(author=user.pk)


def with_news(entries, user, agreement):
    """The entries (of one agreement) with "is_new", and their seen marks, in the same
    query."""
    is_new = ExpressionWrapper(new_to(user, agreement.pk), output_field=BooleanField())
    return entries.select_related("seen").annotate(is_new=is_new)


def may_mark_seen(user, entry, agreement, rights) -> bool:
    """An editor of the entry's plan, not its writer, while it is not marked yet."""
    return (
        not hasattr(entry, "seen")
        and entry.author_id != user.pk
        and may_change_plan_now(agreement, entry.item.plan, rights)
    )


def with_seen_marks(user, item, entries) -> list:
    """A row's entries for its logging page, newest first, with their seen marks and
    whether the user may mark each as seen. Only an editor of the row's plan reaches the
    page (followup.views.entry_create checks it), so what is left is the entry's writer."""
    entries = list(
        entries.select_related("corrects", "seen")
        .prefetch_related("participants", "corrections", "attachments")
        .order_by("-occurred_on", "-created_at")
    )
    for entry in entries:
        entry.may_mark_seen = not hasattr(entry, "seen") and entry.author_id != user.pk
        entry.back_to_row = True  # a plain POST of the mark comes back to this page
    return entries


def timeline_page(request, agreement, entries, page_size):
    """One page of an agreement's timeline as the user sees it now: the visit recorded,
    new entries marked, each entry saying whether the user may mark it as seen."""
    AgreementVisit.record(request.user, agreement.pk)
    paginator = Paginator(with_news(entries, request.user, agreement), page_size)
    page = paginator.get_page(request.GET.get("sida"))
    rights = editing_rights(request.user, agreement)
    for entry in page:
        entry.may_mark_seen = may_mark_seen(request.user, entry, agreement, rights)
    return page


def news_by_agreement(user, agreements) -> list[dict]:
    """Per agreement of `agreements` (a queryset) with entries new to the user, its "agreement_id",
    "title" and "count", in one query: the entries recorded since the user last looked
    at each agreement (Översikt, which records no visit)."""
    rows = (
        FollowUpEntry.objects.filter(item__plan__agreement__in=agreements.values("pk"))
        .filter(new_to(user, OuterRef("item__plan__agreement"), "last_seen_at"))
        .values(agreement_id=F("item__plan__agreement"), title=F("item__plan__agreement__title"))
        .annotate(count=Count("pk"))
        .order_by("title", "agreement_id")
    )
    return list(rows)
