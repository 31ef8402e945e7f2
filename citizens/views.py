"""Publicering för allmänheten, for the editors of a citizen promise: Publicera and
Avpublicera the promise, write feedback to citizens on its rows and publish each piece.
Who may: the agreement's editors (agreements/access.py: 404 for outsiders, 403 for
readers). The public pages are in public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actionplans.models import ActionItem
from agreements.access import get_agreement_for_editing
from agreements.models import AgreementKind
from followup.models import Publication, PublicFeedback
from organisations.models import OrganisationKind
from organisations.names import all_municipality_slugs
from samverkan.sent_once import save_once
from signing.models import AgreementEvent, EventKind

from . import publishing
from .forms import FeedbackForm


def _promise_for_editing(user, pk):
    """The citizen promise if the user may change it; 404 for outsiders and for an
    agreement that is no citizen promise, 403 for readers."""
    agreement = get_agreement_for_editing(user, pk)
    if agreement.kind != AgreementKind.CITIZEN_PROMISE:
        raise Http404
    return agreement


def _page_url(agreement) -> str:
    return reverse("citizen_publication", args=[agreement.pk])


@login_required
@require_http_methods(["GET", "POST"])
def publication(request, pk):
    """The page, and on POST a new piece of feedback (saved unpublished; once, however
    often the same form is sent)."""
    agreement = _promise_for_editing(request.user, pk)
    form = FeedbackForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        feedback = save_once(request, form, lambda: form.save_written_by(request.user))
        messages.success(request, _("The feedback is saved. Publish it to show it to citizens."))
        return redirect(_page_url(agreement) + f"#aterkoppling-{feedback.pk}")
    status = 400 if request.method == "POST" else 200
    return render(request, "citizens/publication.html", _context(agreement, form), status=status)


def _context(agreement, form) -> dict:
    rows = (
        ActionItem.objects.filter(plan__agreement=agreement)
        .order_by("plan__position", "position")
        .prefetch_related(
            Prefetch(
                "public_feedback",
                queryset=PublicFeedback.objects.order_by("written_on", "pk"),
                to_attr="feedback",
            )
        )
    )
    publication = Publication.objects.filter(agreement=agreement).first()
    municipalities = agreement.parties.filter(
        organisation__kind=OrganisationKind.MUNICIPALITY
    ).values_list("organisation__name", "organisation")
    slugs = all_municipality_slugs()
    return {
        "agreement": agreement,
        "publication": publication,
        "may_be_published": publishing.may_be_published(agreement),
        "rows": rows,
        "form": form,
        "public_pages": [(name, slugs[pk]) for name, pk in municipalities],
        "events": AgreementEvent.objects.filter(
            agreement=agreement, kind__in=[EventKind.PUBLISHED, EventKind.UNPUBLISHED]
        )
        .select_related("recorded_by")
        .order_by("-recorded_at"),
    }


@login_required
@require_POST
def publish(request, pk):
    agreement = _promise_for_editing(request.user, pk)
    try:
        publishing.publish(agreement, request.user)
    except publishing.PublishingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The citizen promise is published on the public page."))
    return redirect(_page_url(agreement))


@login_required
@require_POST
def unpublish(request, pk):
    agreement = _promise_for_editing(request.user, pk)
    if publishing.unpublish(agreement, request.user):
        messages.success(request, _("The citizen promise is no longer shown to the public."))
    return redirect(_page_url(agreement))


def _feedback(agreement, feedback_pk) -> PublicFeedback:
    return get_object_or_404(
        PublicFeedback.objects.select_related("item__plan__agreement"),
        pk=feedback_pk,
        item__plan__agreement=agreement,
    )


@login_required
@require_POST
def feedback_publish(request, pk, feedback_pk):
    agreement = _promise_for_editing(request.user, pk)
    publishing.publish_feedback(_feedback(agreement, feedback_pk), request.user)
    messages.success(request, _("The feedback is published."))
    return redirect(_page_url(agreement) + f"#aterkoppling-{feedback_pk}")


@login_required
@require_POST
def feedback_unpublish(request, pk, feedback_pk):
    agreement = _promise_for_editing(request.user, pk)
    publishing.unpublish_feedback(_feedback(agreement, feedback_pk))
    messages.success(request, _("The feedback is no longer shown to the public."))
    return redirect(_page_url(agreement) + f"#aterkoppling-{feedback_pk}")


@login_required
@require_POST
def feedback_delete(request, pk, feedback_pk):
    """Only feedback never published is deleted; published feedback is taken off instead."""
    agreement = _promise_for_editing(request.user, pk)
    feedback = _feedback(agreement, feedback_pk)
    if feedback.is_published or feedback.mailed_at:
        messages.error(request, _("Published feedback is taken off the page, not deleted."))
    else:
        feedback.delete()
        messages.success(request, _("The feedback is deleted."))
    return redirect(_page_url(agreement))
