"""Jämför versioner: what changed between two versions of an agreement, part by part
(facts, sections, problem picture, focus areas, action plan rows), side by side.

Both sides are snapshots in the JSON exchange format (a frozen version's, or the draft's as
it stands). Each part is a list of texts; difflib pairs them up in order, so a moved,
added, removed or rewritten section shows as such, and a rewritten text shows its words
struck out and inserted.
"""

import difflib
from dataclasses import dataclass, field

from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actionplans.forms import BRA_LABELS
from actionplans.models import PARTY_TEXT_SEPARATOR, PlanLayout, Responsibility
from agreements.models import Agreement, RenewalRule
from samverkan.values import shown


@dataclass
class CellChange:
    """A named cell of a row: its column, and its text before and after (marked)."""

    column: str
    old: SafeString | str = ""
    new: SafeString | str = ""


@dataclass
class Change:
    kind: str  # "added", "removed" or "changed"
    old: SafeString | str = ""
    new: SafeString | str = ""
    # A plan's row: which row, and only the cells that changed (all of an added or removed row).
    row: str = ""
    cells: list[CellChange] = field(default_factory=list)


ROLE_FIELD = Responsibility._meta.get_field("role")


@dataclass
class PartComparison:
    title: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0


def _facts(data: dict) -> list[str]:
    parties = ", ".join(party["organisation"]["name"] for party in data["parties"])
    signatories = "; ".join(
        f"{s['name']}, {s['title']}" if s["title"] else s["name"] for s in data["signatories"]
    )
    return [
        f"{_('Title')}: {data['title']}",
        f"{_('Subtitle')}: {data['subtitle']}",
        f"{_('Valid')}: {_period(data)}",
        f"{_('Renewal')}: {_renewal(data)}",
        f"{_('Parties')}: {parties}",
        f"{_('Signatories')}: {signatories}",
        *_follow_up(data),
    ]


def _follow_up(data: dict) -> list[str]:
    """The follow-up arrangement, where written (snapshots from before it have none)."""
    arrangement = data.get("follow_up_arrangement") or {}
    text = " · ".join(value for value in arrangement.values() if value)
    return [f"{_('Follow-up arrangement')}: {text}"] if text else []


def _period(data: dict) -> str:
    """Exact dates as the snapshot holds them; a period without dates as it is written."""
    if data["valid_from"] or data["valid_until"]:
        return f"{_fact(data, 'valid_from')} – {_fact(data, 'valid_until')}"
    names = ("first_year", "last_year", "length_years", "renewal_rule")
    return Agreement(**{name: data[name] for name in names if name in data}).period_as_written()


def _fact(data: dict, name: str) -> str:
    """An agreement's field in the snapshot as users read it (a choice by its label)."""
    field = Agreement._meta.get_field(name)
    return shown(field, field.to_python(data[name]))


def _renewal(data: dict) -> str:
    """As the agreement page says it: an extendable agreement with its number of years."""
    years = data["extension_max_years"]
    if data["renewal_rule"] == RenewalRule.EXTENDABLE and years:
        return ngettext(
            "May be extended by up to %(years)s year at a time",
            "May be extended by up to %(years)s years at a time",
            years,
        ) % {"years": years}
    return capfirst(_fact(data, "renewal_rule"))


def _sections(data: dict) -> list[str]:
    return [f"{s['heading']}\n{s['body']}".strip() for s in data["sections"]]


def _problem_items(data: dict) -> list[str]:
    picture = data.get("problem_picture") or {}
    texts = [
        text
        for text in (picture.get("title"), picture.get("period_note"), picture.get("summary"))
        if text
    ]
    for source in picture.get("sources", []):
        texts.append(f"{source['title']}\n{source['description']}".strip())
    for area in picture.get("areas", []):
        for item in area.get("items", []):
            causes = item.get("probable_causes", "")
            texts.append(f"{area['title']}: {item['text']}" + (f"\n{causes}" if causes else ""))
    return texts


def _overall_goals(data: dict) -> list[str]:
    # A snapshot frozen before format version 2 has none.
    return [goal["text"] for goal in data.get("overall_goals", [])]


def _focus_areas(data: dict) -> list[str]:
    return [
        "\n".join(part for part in (area["title"], area["goals"], area["background"]) if part)
        for area in data["focus_areas"]
    ]


@dataclass(frozen=True, eq=False)
class RowCells:
    """A plan's row as the columns a reader sees, each named: compared cell by cell, so a
    changed cell is shown under its column, and the parties' cells by party, whatever order
    their responsibilities were written in."""

    plan: str
    cells: tuple[tuple[str, str], ...]
    name: str = ""  # how a reader finds the row: its plan and its activity (or goal)

    def _key(self):
        return (self.plan, tuple(sorted(self.cells)))

    def __eq__(self, other):
        return isinstance(other, RowCells) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        return f"{self.plan}:\n" + " · ".join(value for _name, value in self.cells)


def _row_labels(layout: str) -> dict[str, str]:
    labels = {
        "group_heading": _("Heading"),
        "goal": _("Goal"),
        "activity": _("What")
        if layout == PlanLayout.ACTIVITY_PARTIES_COMMUNICATION
        else _("Activity"),
        "when_text": _("When"),
        "responsible_text": _("Responsible"),
        "communication": _("Communication"),
        "cause": _("Cause"),
        "contact": _("Contact"),
        "follow_up_text": _("Follow-up"),
    }
    if layout == PlanLayout.BRA_CAUSE_MEASURE:
        labels.update(BRA_LABELS)
    return {name: str(label) for name, label in labels.items()}


def _party_names(data: dict) -> dict[tuple, str]:
    """Each party's column name (its label, else its name in the document), by organisation."""
    return {
        _organisation(party["organisation"]): party["label"]
        or party.get("name")
        or party["organisation"]["name"]
        for party in data["parties"]
    }


def _organisation(key: dict | None) -> tuple:
    return (key["kind"], key["name"], key.get("kommunkod", "")) if key else ()


def _responsibility_cells(item: dict, party_names: dict) -> list[tuple[str, str]]:
    """One cell per party (its responsibilities joined as the plan's party column joins
    them), named by the party; a helper that is no party by its own name."""
    by_who: dict[str, list[str]] = {}
    for responsibility in item["responsibilities"]:
        organisation = responsibility["organisation"]
        who = party_names.get(_organisation(organisation)) or (
            organisation["name"] if organisation else str(_("Responsible"))
        )
        role = responsibility["role"]
        words = responsibility["description"] or Responsibility.words(
            "", responsibility["unit"], shown(ROLE_FIELD, role) if role else ""
        )
        by_who.setdefault(who, []).append(words or who)
    return [(who, PARTY_TEXT_SEPARATOR.join(texts)) for who, texts in by_who.items()]


def _rows(data: dict) -> list[RowCells]:
    rows = []
    party_names = _party_names(data)
    for plan in data["action_plans"]:
        labels = _row_labels(plan.get("layout", ""))
        for item in plan["items"]:
            cells = [(labels[name], item.get(name, "")) for name in labels]
            cells += _responsibility_cells(item, party_names)
            name = Truncator(item["activity"] or item["goal"]).words(12)
            name = f"{plan['title']}: {name}" if name else plan["title"]
            rows.append(RowCells(plan["title"], tuple(c for c in cells if c[1]), name))
    return rows


PARTS = [
    (_("Facts and parties"), _facts),
    (_("Sections"), _sections),
    (_("Problem picture"), _problem_items),
    (_("Overall goals"), _overall_goals),
    (_("Focus areas"), _focus_areas),
    (_("Action plan rows"), _rows),
]


def compare(old: dict, new: dict) -> list[PartComparison]:
    return [_compare_texts(str(title), texts(old), texts(new)) for title, texts in PARTS]


def _compare_texts(title: str, old: list, new: list) -> PartComparison:
    part = PartComparison(title)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            part.unchanged += old_end - old_start
            continue
        olds, news = old[old_start:old_end], new[new_start:new_end]
        for before, after in zip(olds, news, strict=False):
            if _similar(str(before), str(after)):
                part.changes.append(_changed(before, after))
            else:  # a different text in the same place: one removed, another added
                part.changes.append(_removed(before))
                part.changes.append(_added(after))
        part.changes += [_removed(text) for text in olds[len(news) :]]
        part.changes += [_added(text) for text in news[len(olds) :]]
    return part


def _changed(before, after) -> Change:
    if not isinstance(before, RowCells):
        return Change("changed", *_word_diff(before, after))
    old_cells, new_cells = dict(before.cells), dict(after.cells)
    columns = [*new_cells, *(column for column in old_cells if column not in new_cells)]
    cells = []
    for column in columns:  # in the newer side's order, the same on both sides
        old_text, new_text = old_cells.get(column, ""), new_cells.get(column, "")
        if old_text == new_text:
            continue
        if old_text and new_text:
            cells.append(CellChange(column, *_word_diff(old_text, new_text)))
        else:
            cells.append(CellChange(column, escape(old_text), escape(new_text)))
    return Change("changed", row=after.name, cells=cells)


def _removed(text) -> Change:
    if isinstance(text, RowCells):
        cells = [CellChange(column, old=escape(value)) for column, value in text.cells]
        return Change("removed", row=text.name, cells=cells)
    return Change("removed", old=escape(text))


def _added(text) -> Change:
    if isinstance(text, RowCells):
        cells = [CellChange(column, new=escape(value)) for column, value in text.cells]
        return Change("added", row=text.name, cells=cells)
    return Change("added", new=escape(text))


def _similar(before: str, after: str) -> bool:
    """Rewritten rather than replaced: at least half of the words are the same, not
    counting a first line both share (the plan a row belongs to)."""
    first, _newline, rest = before.partition("\n")
    if rest and after.startswith(first + "\n"):
        before, after = rest, after.removeprefix(first + "\n")
    matcher = difflib.SequenceMatcher(a=before.split(), b=after.split(), autojunk=False)
    return matcher.ratio() >= 0.5


def _word_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Both texts with the words that differ marked: <del> on the left, <ins> on the right."""
    old_words, new_words = before.split(" "), after.split(" ")
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    left, right = [], []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_text = " ".join(old_words[old_start:old_end])
        new_text = " ".join(new_words[new_start:new_end])
        if operation == "equal":
            left.append((escape(old_text),))
            right.append((escape(new_text),))
            continue
        if old_text:
            left.append((mark_safe(f"<del>{escape(old_text)}</del>"),))  # noqa: S308 (escaped)
        if new_text:
            right.append((mark_safe(f"<ins>{escape(new_text)}</ins>"),))  # noqa: S308 (escaped)
    return format_html_join(" ", "{}", left), format_html_join(" ", "{}", right)
