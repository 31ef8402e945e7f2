"""The agreement as it reads on paper: its blocks in printed order, loaded in a fixed
number of queries however long its plans are. The agreement page and, later, the PDF both
render from this (printing/documents.py), and so do the signed versions' PDFs (signing)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplans.adoption import adoption_note
from actionplans.models import (
    ActionItem,
    ActionPlan,
    PlanLayout,
    Responsibility,
    ResponsibilityRole,
    responsible_words,
)
from agreements.models import (
    Agreement,
    FocusArea,
    OverallGoal,
    Party,
    PartyRole,
    ProblemArea,
    ProblemPicture,
    Section,
    SectionEmbed,
    Signatory,
)
from samverkan.fetching import page_fetch_mode

# The follow-up arrangement (Agreement.follow_up_*) is printed, when written, right before
# the signatures, wherever they stand; no section embeds it.
FOLLOW_UP = "follow_up"

BLOCK_TITLES = {
    SectionEmbed.PROBLEM_PICTURE: _("Problem picture"),
    SectionEmbed.FOCUS_AREAS: _("Focus areas"),
    SectionEmbed.ACTION_PLANS: _("Action plans"),
    SectionEmbed.SIGNATURES: _("Signatures"),
}

# A medborgarlöfte reads: the promises, how they were chosen, how they are followed up.
CITIZEN_PROMISE_TITLES = {
    SectionEmbed.ACTION_PLANS: _("Our promises"),
    SectionEmbed.PROBLEM_PICTURE: _("How the promises were chosen"),
    SectionEmbed.FOCUS_AREAS: _("Focus areas"),
    SectionEmbed.SIGNATURES: _("Signatures"),
}

# The roles of those who promise (or answer for) a row; every other role takes part in it.
PROMISING_ROLES = (ResponsibilityRole.PROMISES, ResponsibilityRole.RESPONSIBLE)


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
    return (
        Agreement.objects.fetch_mode(mode)
        .select_related("part_of")
        .prefetch_related(
            Prefetch("parties", queryset=organisation),
            Prefetch("sections", queryset=Section.objects.fetch_mode(mode)),
            Prefetch(
                "signatories",
                queryset=Signatory.objects.fetch_mode(mode).select_related("party__organisation"),
            ),
            Prefetch(
                "problem_picture",
                queryset=ProblemPicture.objects.fetch_mode(mode).prefetch_related(
                    "sources",
                    Prefetch("areas", queryset=ProblemArea.objects.prefetch_related("items")),
                ),
            ),
            Prefetch("overall_goals", queryset=OverallGoal.objects.fetch_mode(mode)),
            Prefetch("focus_areas", queryset=FocusArea.objects.fetch_mode(mode)),
            Prefetch(
                "action_plans",
                queryset=ActionPlan.objects.fetch_mode(mode)
                .select_related("municipality", "latest_adoption")
                .prefetch_related(Prefetch("items", queryset=rows)),
            ),
        )
    )


@dataclass
class PlanRow:
    item: ActionItem
    party_cells: list[str]  # the row's words in each party's column, in party order
    # Who takes part in the row besides those who promise it, as the document names them.
    participants: list[str] = field(default_factory=list)

    @property
    def responsible(self) -> str:
        """Who answers for the row: as written, else the parties' cells that say something."""
        return responsible_words(self.item.responsible_text, self.party_cells)

    @property
    def promise_notes(self) -> list[str]:
        """What is printed under a promise: when, who answers for it where the heading does
        not already say so, and who takes part besides those who promise."""
        item = self.item
        notes = [item.when_text.strip()]
        responsible = item.responsible_text.strip()
        if responsible and "lovar" not in responsible.lower():
            notes.append(responsible)
        if self.participants:
            together = gettext("Together with %(names)s")
            notes.append(together % {"names": ", ".join(self.participants)})
        return [note for note in notes if note]


@dataclass
class PromiseGroup:
    """Consecutive promises under one heading ("Polisen lovar att"), numbered from 1."""

    heading: str
    rows: list[PlanRow]


@dataclass
class PlanGroup:
    """Rows of a plan under one focus area (or none), with the area's texts when this is
    where they are printed."""

    focus_area: FocusArea | None
    rows: list[PlanRow]
    show_texts: bool

    @property
    def promise_groups(self) -> list[PromiseGroup]:
        """The rows as a plan laid out as promises prints them: consecutive rows with the
        same heading form one group."""
        groups: list[PromiseGroup] = []
        for row in self.rows:
            heading = row.item.group_heading.strip()
            if groups and groups[-1].heading == heading:
                groups[-1].rows.append(row)
            else:
                groups.append(PromiseGroup(heading, [row]))
        return groups


@dataclass
class Block:
    kind: str  # "section" or one of SectionEmbed's values
    section: Section | None = None
    anchor: str = ""
    title: str = ""
    embedded: bool = False  # placed by the section before it, whose heading introduces it


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
    def parties_in_words(self) -> str:
        """The signing parties as a sentence names them: "A, B och C"."""
        names = [p.shown_name for p in self.parties if p.role != PartyRole.PARTICIPANT]
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} {gettext('and')} {names[-1]}"

    @property
    def promise_plans(self) -> list:
        """The plans a medborgarlöfte prints among its text: those laid out as promises."""
        return [(p, g) for p, g in self.plans if p.layout == PlanLayout.PROMISES_BY_PARTY]

    @property
    def appended_plans(self) -> list:
        """The plans a medborgarlöfte appends: any not laid out as promises."""
        return [(p, g) for p, g in self.plans if p.layout != PlanLayout.PROMISES_BY_PARTY]

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
    titles = CITIZEN_PROMISE_TITLES if agreement.is_citizen_promise else BLOCK_TITLES
    present = {
        SectionEmbed.PROBLEM_PICTURE: problem_picture is not None,
        SectionEmbed.FOCUS_AREAS: bool(focus_areas),
        SectionEmbed.ACTION_PLANS: bool(plans),
        SectionEmbed.SIGNATURES: True,
    }
    embedded = {section.embed for section in sections if section.embed}
    # Focus areas not placed by a section are printed with the first plan, beside its rows
    # (not beside promises, which are grouped by who promises).
    focus_texts_in_plan = (
        SectionEmbed.FOCUS_AREAS not in embedded
        and bool(plans)
        and plans[0].layout != PlanLayout.PROMISES_BY_PARTY
    )
    if focus_texts_in_plan:
        present[SectionEmbed.FOCUS_AREAS] = False

    document = AgreementDocument(agreement)
    for section in sections:
        anchor = f"avsnitt-{section.position}"
        document.blocks.append(Block("section", section, anchor, section.heading))
        if section.embed and present[section.embed]:
            document.blocks.append(_block(section.embed, titles, embedded=True))
    for kind in titles:
        if kind not in embedded and present[kind]:
            document.blocks.append(_block(kind, titles))
    _place_overall_goals(document, agreement)
    if agreement.has_follow_up_arrangement:
        _insert_follow_up(document)
    parties = list(agreement.parties.all())
    document.parties = parties
    document.plans = [
        (plan, _group_rows(plan, parties, focus_areas, focus_texts_in_plan and index == 0))
        for index, plan in enumerate(plans)
    ]
    for plan in plans:
        # Which adopted version the plan is; a citizen promise's promises are signed, not
        # adopted, so its plans say so only once one is.
        plan.adoption_note = (
            ""
            if agreement.is_citizen_promise and plan.latest_adoption_id is None
            else adoption_note(plan, plan.items.all())
        )
    return document


def _block(kind: str, titles=BLOCK_TITLES, embedded: bool = False) -> Block:
    return Block(kind, None, kind.replace("_", "-"), str(titles[kind]), embedded)


def _insert_follow_up(document: AgreementDocument) -> None:
    title = (
        _("How the promises are followed up")
        if document.agreement.is_citizen_promise
        else _("Follow-up")
    )
    block = Block(FOLLOW_UP, None, "uppfoljning", str(title))
    at = next(
        (i for i, b in enumerate(document.blocks) if b.kind == SectionEmbed.SIGNATURES),
        len(document.blocks),
    )
    # A section that embeds the signatures introduces them: the arrangement goes before it.
    before = document.blocks[at - 1] if at else None
    if before and before.section and before.section.embed == SectionEmbed.SIGNATURES:
        at -= 1
    document.blocks.insert(at, block)


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


def party_cells(item, parties) -> list[str]:
    """What the row says in each party's column: the cells as written, else who and how."""
    return [item.party_text(party.organisation_id) for party in parties]


def participants(item, names_by_organisation: dict[int, str]) -> list[str]:
    """Who takes part in a row besides those who promise it (or answer for it): a unit by
    its name, an organisation by the name the document gives a party, else its own."""
    responsibilities = list(item.responsibilities.all())
    promising = {
        r.organisation_id
        for r in responsibilities
        if r.role in PROMISING_ROLES and r.organisation_id
    }
    names = []
    for responsibility in responsibilities:
        if responsibility.role in (*PROMISING_ROLES, ResponsibilityRole.NONE):
            continue
        if responsibility.organisation_id in promising and not responsibility.unit:
            continue
        name = responsibility.unit or names_by_organisation.get(
            responsibility.organisation_id, responsibility.organisation.name
        )
        if name not in names:
            names.append(name)
    return names


def _group_rows(plan, parties, focus_areas, with_texts: bool) -> list[PlanGroup]:
    if plan.layout == PlanLayout.PROMISES_BY_PARTY:
        names = {party.organisation_id: party.shown_name for party in parties}
        rows = [
            PlanRow(item, party_cells(item, parties), participants(item, names))
            for item in plan.items.all()
        ]
        return [PlanGroup(None, rows, False)]
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
