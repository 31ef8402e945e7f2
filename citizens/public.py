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
    title: str = ""

    def __post_init__(self):
        self.title = self.title or self.agreement.title

    @property
    def ends_before(self) -> datetime.date | None:
        return self.agreement.counted_period()[1]


@dataclass
class SignedRow:
    """A promise as its signed version words it, no longer a row of the draft."""

    activity: str
    status: str = ""
    published_feedback: list = field(default_factory=list)

    def get_status_display(self) -> str:
        return ""


def as_signed(version: AgreementVersion, rows: list, municipality: Organisation):
    """The title and promises of the signed version, while a revision is drafted: the
    draft is not what was promised, and is not shown. A promise whose words the draft
    keeps is shown with its row's status and feedback; one the draft changed, in its
    signed words without them."""
    snapshot = version.snapshot
    unused = list(rows)
    shown = []
    for plan in snapshot.get("action_plans", []):
        if plan.get("municipality") not in (None, municipality.natural_key()):
            continue
        for item in plan.get("items", []):
            same = next((row for row in unused if row.activity == item["activity"]), None)
            if same is None:
                shown.append(SignedRow(activity=item["activity"]))
            else:
                unused.remove(same)
                shown.append(same)
    return snapshot["title"], shown


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
                # The snapshot is read only for a promise under revision (as_signed).
                queryset=AgreementVersion.objects.filter(signed_on__isnull=False).defer("snapshot"),
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
        signed = next(
            (v for v in agreement.signed_versions if v.number == agreement.signed_version), None
        )
        rows = [row for plan in agreement.public_plans for row in plan.public_rows]
        title = agreement.title
        if signed is not None and agreement.version != agreement.signed_version:
            title, rows = as_signed(signed, rows, municipality)
        promise = PublicPromise(
            agreement=agreement,
            rows=rows,
            dialogues=dialogues.get(agreement.pk, []),
            signed_pdf=signed if signed is not None and signed.pdf else None,
            title=title,
        )
        ends = promise.ends_before
        (earlier if ends and ends.year < today.year else current).append(promise)
    return current, earlier


def signed_title(agreement: Agreement) -> str:
    """The title as signed: while a revision is drafted, its signed version's (as_signed)."""
    if agreement.signed_version and agreement.version != agreement.signed_version:
        version = agreement.versions.filter(number=agreement.signed_version).first()
        if version is not None:
            return version.snapshot["title"]
    return agreement.title


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
            title=signed_title(agreement),
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
