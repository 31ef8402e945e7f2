"""The agreement as it reads on paper: its blocks in printed order, loaded in a fixed
number of queries however long its plans are. The agreement page and, later, the PDF both
render from this (printing/documents.py), and so do the signed versions' PDFs (signing)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ActionPlan, Responsibility
from agreements.models import (
    Agreement,
    FocusArea,
    OverallGoal,
    Party,
    ProblemArea,
    ProblemPicture,
    Section,
    SectionEmbed,
    Signatory,
)
from samverkan.fetching import page_fetch_mode

BLOCK_TITLES = {
    SectionEmbed.PROBLEM_PICTURE: _("Problem picture"),
    SectionEmbed.FOCUS_AREAS: _("Focus areas"),
    SectionEmbed.ACTION_PLANS: _("Action plans"),
    SectionEmbed.SIGNATURES: _("Signatures"),
}


def document_queryset():
    """An agreement with everything that is printed, in at most 13 queries whatever its size."""
    mode = page_fetch_mode()
    organisation = Party.objects.fetch_mode(mode).select_related("organisation")
    rows = (
        ActionItem.objects.fetch_mode(mode)
        .select_related("focus_area")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.fetch_mode(mode).select_related("organisation"),
            )
        )
    )
    return Agreement.objects.fetch_mode(mode).prefetch_related(
        Prefetch("parties", queryset=organisation),
        Prefetch("sections", queryset=Section.objects.fetch_mode(mode)),
        Prefetch(
            "signatories",
            queryset=Signatory.objects.fetch_mode(mode).select_related("party__organisation"),
        ),
        Prefetch(
            "problem_picture",
            queryset=ProblemPicture.objects.fetch_mode(mode).prefetch_related(
                "sources", Prefetch("areas", queryset=ProblemArea.objects.prefetch_related("items"))
            ),
        ),
        Prefetch("overall_goals", queryset=OverallGoal.objects.fetch_mode(mode)),
        Prefetch("focus_areas", queryset=FocusArea.objects.fetch_mode(mode)),
        Prefetch(
            "action_plans",
            queryset=ActionPlan.objects.fetch_mode(mode)
            .select_related("municipality")
            .prefetch_related(Prefetch("items", queryset=rows)),
        ),
    )


@dataclass
class PlanRow:
    item: ActionItem
    party_cells: list[str]  # the row's words in each party's column, in party order


@dataclass
class PlanGroup:
    """Rows of a plan under one focus area (or none), with the area's texts when this is
    where they are printed."""

    focus_area: FocusArea | None
    rows: list[PlanRow]
    show_texts: bool


@dataclass
class Block:
    kind: str  # "section" or one of SectionEmbed's values
    section: Section | None = None
    anchor: str = ""
    title: str = ""


@dataclass
class AgreementDocument:
    agreement: Agreement
    blocks: list[Block] = field(default_factory=list)
    parties: list = field(default_factory=list)
    plans: list = field(default_factory=list)

    @property
    def municipalities(self) -> list:
        """The municipalities that have an action plan of their own, in plan order."""
        seen = {}
        for plan, _groups in self.plans:
            if plan.municipality is not None:
                seen.setdefault(plan.municipality.pk, plan.municipality)
        return list(seen.values())

    @property
    def contents(self) -> list[Block]:
        """The table of contents: every block with a title."""
        return [block for block in self.blocks if block.title]


def build_document(agreement: Agreement) -> AgreementDocument:
    """Lay the agreement out in reading order.

    Sections come in their order, each followed by the block it embeds. Blocks that no
    section embeds follow the last section: the problem picture, the focus areas (unless a
    plan prints them), the action plans, the signatures.
    """
    sections = list(agreement.sections.all())
    problem_picture = getattr(agreement, "problem_picture", None)
    focus_areas = list(agreement.focus_areas.all())
    plans = list(agreement.action_plans.all())
    present = {
        SectionEmbed.PROBLEM_PICTURE: problem_picture is not None,
        SectionEmbed.FOCUS_AREAS: bool(focus_areas),
        SectionEmbed.ACTION_PLANS: bool(plans),
        SectionEmbed.SIGNATURES: True,
    }
    embedded = {section.embed for section in sections if section.embed}
    # Focus areas not placed by a section are printed with the first plan, beside its rows.
    focus_texts_in_plan = SectionEmbed.FOCUS_AREAS not in embedded and bool(plans)
    if focus_texts_in_plan:
        present[SectionEmbed.FOCUS_AREAS] = False

    document = AgreementDocument(agreement)
    for section in sections:
        anchor = f"avsnitt-{section.position}"
        document.blocks.append(Block("section", section, anchor, section.heading))
        if section.embed and present[section.embed]:
            document.blocks.append(_block(section.embed))
    for kind in BLOCK_TITLES:
        if kind not in embedded and present[kind]:
            document.blocks.append(_block(kind))
    _place_overall_goals(document, agreement)
    parties = list(agreement.parties.all())
    document.parties = parties
    document.plans = [
        (plan, _group_rows(plan, parties, focus_areas, focus_texts_in_plan and index == 0))
        for index, plan in enumerate(plans)
    ]
    return document


OVERALL_GOALS = "overall_goals"


def _place_overall_goals(document: AgreementDocument, agreement: Agreement) -> None:
    """The overall goals, under their heading, right before the action plans (wherever a
    section puts them); with no plans, before the signatures, else last."""
    if not agreement.overall_goals.all():
        return
    kinds = [block.kind for block in document.blocks]
    for before in (SectionEmbed.ACTION_PLANS, SectionEmbed.SIGNATURES):
        if before in kinds:
            at = kinds.index(before)
            break
    else:
        at = len(kinds)
    heading = agreement.overall_goals_heading_shown
    document.blocks.insert(at, Block(OVERALL_GOALS, None, "overgripande-mal", heading))


def _block(kind: str) -> Block:
    return Block(kind, None, kind.replace("_", "-"), str(BLOCK_TITLES[kind]))


def party_cells(item, parties) -> list[str]:
    """What the row says in each party's column: the cells as written, else who and how."""
    return [item.party_text(party.organisation_id) for party in parties]


def _group_rows(plan, parties, focus_areas, with_texts: bool) -> list[PlanGroup]:
    rows = [PlanRow(item, party_cells(item, parties)) for item in plan.items.all()]
    groups = []
    for area in focus_areas:
        area_rows = [row for row in rows if row.item.focus_area_id == area.pk]
        if area_rows or (with_texts and (area.background or area.goals)):
            groups.append(PlanGroup(area, area_rows, with_texts))
    loose = [row for row in rows if row.item.focus_area_id is None]
    if loose or not groups:
        groups.append(PlanGroup(None, loose, False))
    return groups
