"""The texts of a next period's draft (Nästa period) that still name the period before, for
the draft editor to point out with a link to where each is changed: read again each time,
so a text the writer has changed drops off the list, until the writer says the rest may
stay (OldPeriodTexts.dismissed_at). Only the years of the period before that are not also
the new period's count ("2023" in a draft for 2023–2027 after 2019–2023 is not pointed out)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ActionPlan
from agreements.access import visible_agreements
from agreements.models import (
    FocusArea,
    OldPeriodTexts,
    OverallGoal,
    ProblemItem,
    ProblemPicture,
    Section,
)
from agreements.next_period import period_years
from exchange.next_period import FINISHED, YEARS_IN_TEXT, years_of
from samverkan.fetching import page_fetch_mode

# How much of a long text is shown around the years it names.
AROUND = 40


@dataclass(frozen=True)
class OldText:
    where: str  # "Title", "Section: Bakgrund", "Handlingsplan 2025, row 3"
    excerpt: str  # the words around the first year of the period before
    url: str  # where the text is changed


@dataclass(frozen=True)
class OldPeriodReport:
    years: str  # the period before, as a title writes it: "2024–2025"
    texts: list[OldText]


def old_period_texts(agreement) -> OldPeriodReport | None:
    """What the draft editor points out, or None when the draft follows no period or the
    writer has said the texts may stay."""
    notice = OldPeriodTexts.objects.filter(agreement=agreement, dismissed_at__isnull=True).first()
    if notice is None:
        return None
    years = set(notice.years) - set(years_of(period_years(agreement, timezone.localdate())))
    texts = [
        OldText(where, _excerpt(text, years), url)
        for where, text, url in worded_texts(agreement)
        if _names(text, years)
    ]
    return OldPeriodReport(notice.years_label, texts)


def finished_before(agreement, user) -> list:
    """The rows finished in the period before (left there with their results), when the
    user may see that agreement; [] for a draft that follows none."""
    if not agreement.follows_id:
        return []
    rows = ActionItem.objects.fetch_mode(page_fetch_mode()).select_related("plan__agreement")
    return list(
        rows.filter(
            plan__agreement_id=agreement.follows_id,
            plan__agreement__in=visible_agreements(user),
            status__in=FINISHED,
        ).order_by("plan__position", "position")
    )


def _names(text: str, years: set[int]) -> bool:
    return any(_span(match) & years for match in YEARS_IN_TEXT.finditer(text or ""))


def _span(match) -> set[int]:
    first, last = int(match[1]), int(match[2] or match[1])
    return set(range(first, last + 1))


def _excerpt(text: str, years: set[int]) -> str:
    match = next(m for m in YEARS_IN_TEXT.finditer(text) if _span(m) & years)
    start, end = max(0, match.start() - AROUND), min(len(text), match.end() + AROUND)
    # Whole words at both ends: from the space before, to the space after.
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = len(text) if (after := text.find(" ", end)) == -1 else after
    words = " ".join(text[start:end].split())
    return f"{'…' if start else ''}{words}{'…' if end < len(text) else ''}"


def worded_texts(agreement):
    """Every text of the draft a writer words, as (where, text, where it is changed)."""
    pk = agreement.pk
    facts = reverse("draft_facts", args=[pk])
    yield _("Title"), agreement.title, facts
    yield _("Subtitle"), agreement.subtitle, facts
    yield _("Validity as written"), agreement.validity_note, facts
    yield _("Heading of the overall goals"), agreement.overall_goals_heading, facts
    for section in Section.objects.filter(agreement=agreement).order_by("position"):
        url = _part_url(pk, "avsnitt", section.pk)
        where = _("Section: %(heading)s") % {"heading": section.heading or section.position}
        yield where, f"{section.heading}\n{section.body}", url
    picture = ProblemPicture.objects.filter(agreement=agreement).first()
    if picture is not None:
        url = reverse("draft_picture", args=[pk])
        yield (
            _("Problem picture"),
            f"{picture.title}\n{picture.period_note}\n{picture.summary}",
            url,
        )
        problems = ProblemItem.objects.filter(area__problem_picture=picture)
        for problem in problems.order_by("area__position", "position"):
            url = _part_url(pk, "problem", problem.pk)
            yield _("Problem"), f"{problem.text}\n{problem.probable_causes}", url
    for goal in OverallGoal.objects.filter(agreement=agreement).order_by("position"):
        yield agreement.overall_goals_heading_shown, goal.text, _part_url(pk, "mal", goal.pk)
    for area in FocusArea.objects.filter(agreement=agreement).order_by("position"):
        texts = f"{area.title}\n{area.goals}\n{area.background}\n{area.footnotes}"
        where = _("Focus area: %(title)s") % {"title": area.title}
        yield where, texts, _part_url(pk, "fokusomrade", area.pk)
    plans = {plan.pk: plan for plan in ActionPlan.objects.filter(agreement=agreement)}
    for plan in sorted(plans.values(), key=lambda plan: plan.position):
        plan.agreement = agreement
        texts = f"{plan.title}\n{plan.period_text}\n{plan.table_heading}\n{plan.introduction}"
        yield plan.shown_title, texts, reverse("plan_edit", args=[pk, plan.pk])
    rows = ActionItem.objects.filter(plan__agreement=agreement).order_by(
        "plan__position", "position"
    )
    for row in rows.only(*ROW_TEXTS, "plan_id", "position"):
        where = _("%(plan)s, row %(number)s") % {
            "plan": plans[row.plan_id].shown_title,
            "number": row.position,
        }
        texts = "\n".join(getattr(row, name) for name in ROW_TEXTS)
        yield where, texts, reverse("row_edit", args=[pk, row.plan_id, row.pk])


ROW_TEXTS = ("group_heading", "goal", "activity", "when_text", "responsible_text", "communication")


def _part_url(pk, kind, part_pk) -> str:
    return reverse("part_edit", args=[pk, kind, part_pk])
