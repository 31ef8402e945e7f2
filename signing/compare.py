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
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.models import Agreement, RenewalRule
from samverkan.values import shown


@dataclass
class Change:
    kind: str  # "added", "removed" or "changed"
    old: SafeString | str = ""
    new: SafeString | str = ""


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


def _rows(data: dict) -> list[str]:
    texts = []
    for plan in data["action_plans"]:
        for item in plan["items"]:
            cells = [
                item.get("group_heading", ""),
                item["goal"],
                item["activity"],
                item["when_text"],
                item["responsible_text"],
                item["communication"],
                # Brå's columns (only in snapshots of rows that have them).
                item.get("cause", ""),
                item.get("contact", ""),
                item.get("follow_up_text", ""),
                *(r["description"] for r in item["responsibilities"]),
            ]
            texts.append(f"{plan['title']}:\n" + " · ".join(cell for cell in cells if cell))
    return texts


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


def _compare_texts(title: str, old: list[str], new: list[str]) -> PartComparison:
    part = PartComparison(title)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            part.unchanged += old_end - old_start
            continue
        olds, news = old[old_start:old_end], new[new_start:new_end]
        for before, after in zip(olds, news, strict=False):
            if _similar(before, after):
                part.changes.append(Change("changed", *_word_diff(before, after)))
            else:  # a different text in the same place: one removed, another added
                part.changes.append(Change("removed", old=escape(before)))
                part.changes.append(Change("added", new=escape(after)))
        part.changes += [Change("removed", old=escape(text)) for text in olds[len(news) :]]
        part.changes += [Change("added", new=escape(text)) for text in news[len(olds) :]]
    return part


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
