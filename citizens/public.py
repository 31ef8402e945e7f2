"""What the public pages show, read from below: the municipalities with published
promises, and one municipality's promises with their rows, published feedback,
dialogues and signed PDF, this year's apart from earlier years'."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q
from django.http import Http404

from actionplans.models import ActionItem, ActionPlan
from agreements.models import Agreement, AgreementKind, ProblemSource, SourceKind
from followup.models import PublicFeedback
from organisations.models import Organisation
from organisations.names import all_municipality_slugs
from signing.models import AgreementVersion


def published_promises():
    return Agreement.objects.filter(kind=AgreementKind.CITIZEN_PROMISE, publication__isnull=False)


def municipalities_with_published_promises():
    return Organisation.objects.municipalities().filter(
        pk__in=published_promises().values("parties__organisation")
    )


def municipality_by_slug(slug: str) -> Organisation:
    """The municipality with published promises whose address is `slug` (Håbo's and Habo's
    differ, organisations.names.municipality_slugs); else 404."""
    pk = next((pk for pk, each in all_municipality_slugs().items() if each == slug), None)
    municipality = (
        municipalities_with_published_promises().only("pk", "name", "county").filter(pk=pk).first()
    )
    if municipality is None:
        raise Http404
    return municipality


@dataclass
class PublicPromise:
    """One published citizen promise as the public page shows it."""

    agreement: Agreement
    rows: list = field(default_factory=list)  # ActionItems, each with .published_feedback
    dialogues: list = field(default_factory=list)  # ProblemSources of kind citizen_dialogue
    signed_pdf: AgreementVersion | None = None

    @property
    def ends_before(self) -> datetime.date | None:
        return self.agreement.counted_period()[1]


def promises_of(municipality: Organisation, today: datetime.date):
    """(this year's, earlier years') published promises of the municipality: a promise
    whose period ended before this year is an earlier year's."""
    plans = ActionPlan.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).order_by("position")
    rows = ActionItem.objects.order_by("position").prefetch_related(
        Prefetch(
            "public_feedback",
            queryset=PublicFeedback.objects.published().order_by("written_on", "pk"),
            to_attr="published_feedback",
        )
    )
    agreements = (
        published_promises()
        .filter(parties__organisation=municipality)
        .select_related("publication")
        .prefetch_related(
            Prefetch("action_plans", queryset=plans, to_attr="public_plans"),
            Prefetch("public_plans__items", queryset=rows, to_attr="public_rows"),
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.filter(signed_on__isnull=False).exclude(pdf=""),
                to_attr="signed_versions",
            ),
        )
        .order_by("-first_year", "-valid_from", "title")
        .distinct()
    )
    dialogues = {}
    for source in (
        ProblemSource.objects.filter(
            kind=SourceKind.CITIZEN_DIALOGUE,
            problem_picture__agreement__in=[agreement.pk for agreement in agreements],
        )
        .annotate(of_agreement=F("problem_picture__agreement"))
        .order_by("held_on", "position")
    ):
        dialogues.setdefault(source.of_agreement, []).append(source)
    current, earlier = [], []
    for agreement in agreements:
        promise = PublicPromise(
            agreement=agreement,
            rows=[row for plan in agreement.public_plans for row in plan.public_rows],
            dialogues=dialogues.get(agreement.pk, []),
            signed_pdf=next(
                (v for v in agreement.signed_versions if v.number == agreement.signed_version),
                None,
            ),
        )
        ends = promise.ends_before
        (earlier if ends and ends.year < today.year else current).append(promise)
    return current, earlier


def signed_pdf_of(agreement_pk: int, municipality: Organisation) -> AgreementVersion:
    """The PDF of the signed version of a published promise of the municipality; else 404."""
    agreement = (
        published_promises().filter(pk=agreement_pk, parties__organisation=municipality).first()
    )
    if agreement is None or not agreement.signed_version:
        raise Http404
    version = (
        AgreementVersion.objects.filter(agreement=agreement, number=agreement.signed_version)
        .exclude(pdf="")
        .select_related("agreement")
        .first()
    )
    if version is None:
        raise Http404
    return version


@dataclass
class FeedItem:
    title: str
    text: str
    anchor: str
    published_at: datetime.datetime
    guid: str


def feed_items(municipality: Organisation, limit: int = 50) -> list[FeedItem]:
    """The published promises and published feedback of the municipality, newest first."""
    promises = published_promises().filter(parties__organisation=municipality)
    items = [
        FeedItem(
            title=agreement.title,
            text=agreement.period_as_written(),
            anchor=f"lofte-{agreement.pk}",
            published_at=agreement.publication.published_at,
            guid=f"medborgarlofte-{agreement.pk}",
        )
        for agreement in promises.select_related("publication").distinct()
    ]
    feedback = (
        PublicFeedback.objects.published()
        .filter(item__plan__agreement__in=promises.values("pk"))
        .filter(Q(item__plan__municipality__isnull=True) | Q(item__plan__municipality=municipality))
        .select_related("item")
        .order_by("-published_at")[:limit]
    )
    items += [
        FeedItem(
            title=entry.item.activity[:120],
            text=f"{entry.written_on:%Y-%m-%d}: {entry.text}",
            anchor=f"aterkoppling-{entry.pk}",
            published_at=entry.published_at,
            guid=f"aterkoppling-{entry.pk}",
        )
        for entry in feedback
    ]
    return sorted(items, key=lambda item: item.published_at, reverse=True)[:limit]
