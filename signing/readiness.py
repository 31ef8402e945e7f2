"""The check before Klar för underskrift: what an agreement must hold before it is frozen
for signature, and what its writer should look at once more.

Required (the agreement cannot be frozen while one is missing): what Brå, Polisen and SKR
say every agreement must contain — the problems in focus, their probable causes, bounded
measurable goals, how the work is documented, how it is followed up and the period — and a
signatory for each signing party, no empty action plan, and every prioritised problem (each
problem of the problem picture) addressed by at least one row.

Warnings (the writer may acknowledge them and go on): a year in the texts outside the
agreement's period (text copied from the period before), a goal no indicator measures, a
row without a responsible party or a 'when'.

A citizen promise is a short public text: for it only the promises, the period, how it is
followed up and the signatories are required; its problems, and whether each promise
addresses one, are warnings; causes, indicators and documentation are not asked for.

The check spans the agreement, its plans and their indicators, so it lives here in signing,
above the apps that hold the data; `lifecycle.make_ready` refuses by it, and the page
Klar för underskrift lists its findings.

Over 400 lines as one module on purpose: each rule is a short method of one Check, which
loads the agreement, its plans and indicators once for all of them.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import ActionItem, ActionPlan
from agreements.models import RUNS_ON, Agreement, PartyRole, ProblemItem
from followup.models import Indicator

REQUIRED = "required"
WARNING = "warning"

# The topics findings are listed under, in this order.
TOPICS = {
    "contents": gettext_lazy("What the agreement must contain"),
    "signatories": gettext_lazy("Signatories"),
    "plans": gettext_lazy("Action plans and the problems they address"),
    "goals": gettext_lazy("Goals and indicators"),
    "years": gettext_lazy("Years in the texts"),
    "rows": gettext_lazy("Rows without a responsible party or a 'when'"),
}

# How the work is documented is said in words: a section, or the follow-up arrangement,
# that speaks of documenting it ("dokumenteras", "dokumentation").
DOCUMENTED = re.compile(r"dokumenter|dokumentation|document", re.IGNORECASE)
# A section on follow-up, when the arrangement is not written in its own fields.
FOLLOW_UP_HEADING = re.compile(r"uppfölj|följa upp|följs upp|follow", re.IGNORECASE)
# A year in running text: 1990–2099, not part of a longer number or of a law's number
# ("2023:196", SFS numbers name the year the law was made, not a period).
YEAR = re.compile(r"(?<![\d:])(?:19|20)\d\d(?![\d:])")


@dataclass(frozen=True)
class Finding:
    severity: str  # REQUIRED or WARNING
    topic: str  # a key of TOPICS
    code: str  # stable while the fault is there: what an acknowledgement names
    message: str
    url: str  # where to fix it

    @property
    def is_required(self) -> bool:
        return self.severity == REQUIRED

    @property
    def topic_label(self) -> str:
        return str(TOPICS[self.topic])


class Check:
    """One agreement's check: everything loaded once, each rule a method."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self.promise = agreement.is_citizen_promise
        self.findings: list[Finding] = []
        self.editor = reverse("draft_editor", args=[agreement.pk])
        self.parties = list(agreement.parties.select_related("organisation"))
        self.signed_for = set(agreement.signatories.values_list("party_id", flat=True))
        self.sections = list(agreement.sections.all())
        self.focus_areas = list(agreement.focus_areas.all())
        self.has_overall_goals = agreement.overall_goals.exists()
        self.problems = list(
            ProblemItem.objects.filter(area__problem_picture__agreement=agreement)
            .select_related("area")
            .prefetch_related(
                Prefetch(
                    "action_items",
                    queryset=ActionItem.objects.filter(plan__agreement=agreement).only("pk"),
                    to_attr="rows_here",
                )
            )
        )
        self.plans = list(
            ActionPlan.objects.filter(agreement=agreement).prefetch_related(
                Prefetch(
                    "items",
                    queryset=ActionItem.objects.prefetch_related("responsibilities"),
                )
            )
        )
        indicators = list(Indicator.objects.filter(agreement=agreement))
        self.has_indicator = bool(indicators)
        self.measured_areas = {i.focus_area_id for i in indicators if i.focus_area_id}
        self.measured_rows = {i.item_id for i in indicators if i.item_id}

    def run(self) -> list[Finding]:
        self.contents()
        self.signatories()
        self.action_plans()
        self.goals()
        self.years()
        self.rows()
        order = list(TOPICS)
        return sorted(
            self.findings,
            key=lambda f: (f.severity != REQUIRED, order.index(f.topic)),
        )

    def add(self, severity, topic, code, message, url):
        self.findings.append(Finding(severity, topic, code, message, url))

    # --- Brå's six contents -------------------------------------------------------------

    def contents(self):
        picture = self.editor + "#problembild"
        if not self.problems:
            self.add(
                WARNING if self.promise else REQUIRED,
                "contents",
                "problems",
                _(
                    "No problems are in focus: write the prioritised problems in the problem "
                    "picture."
                ),
                picture,
            )
        if not self.promise:
            for problem in self.problems:
                if not problem.probable_causes.strip():
                    self.add(
                        REQUIRED,
                        "contents",
                        f"causes:{problem.pk}",
                        _("The problem “%(problem)s” has no probable causes.")
                        % {"problem": _short(problem.text)},
                        f"{self.editor}#problem-{problem.pk}",
                    )
            self._goals_are_measurable()
            if not self._says_how_documented():
                self.add(
                    REQUIRED,
                    "contents",
                    "documented",
                    _(
                        "The agreement does not say how the work is documented: say it in a "
                        "section or in the follow-up arrangement (with the word "
                        "“dokumenteras” or “dokumentation”)."
                    ),
                    self.editor + "#uppfoljning",
                )
        if not self._says_how_followed_up():
            self.add(
                REQUIRED,
                "contents",
                "followed_up",
                _(
                    "The agreement does not say how it is followed up: fill in the follow-up "
                    "arrangement, or write a section headed Uppföljning."
                ),
                self.editor + "#uppfoljning",
            )
        if not self._has_period():
            self.add(
                REQUIRED,
                "contents",
                "period",
                _(
                    "The agreement's period is not stated: give its first and last day, its "
                    "years, or its length from signing."
                ),
                self.editor + "#uppgifter",
            )

    def _goals_are_measurable(self):
        """Bounded measurable goals: at least one goal is written (an overall goal, a focus
        area's goals or a row's goal; the period bounds them) and at least one indicator
        measures something in the agreement."""
        has_goal = (
            self.has_overall_goals
            or any(area.goals.strip() for area in self.focus_areas)
            or any(row.goal.strip() for plan in self.plans for row in plan.items.all())
        )
        if not has_goal:
            self.add(
                REQUIRED,
                "contents",
                "goals",
                _(
                    "No goals are written: add overall goals, or goals to a focus area or to "
                    "the rows."
                ),
                self.editor + "#overgripande-mal",
            )
        if not self.has_indicator:
            self.add(
                REQUIRED,
                "contents",
                "measurable",
                _(
                    "No goal is measurable: add an indicator (a measurable goal) to a focus "
                    "area or a row."
                ),
                reverse("indicator_create", args=[self.agreement.pk]),
            )

    def _texts(self):
        for section in self.sections:
            yield section.heading
            yield section.body
        for name in Agreement.FOLLOW_UP_FIELDS:
            yield getattr(self.agreement, name)

    def _says_how_documented(self) -> bool:
        return any(DOCUMENTED.search(text) for text in self._texts())

    def _says_how_followed_up(self) -> bool:
        return self.agreement.has_follow_up_arrangement or any(
            FOLLOW_UP_HEADING.search(section.heading) for section in self.sections
        )

    def _has_period(self) -> bool:
        agreement = self.agreement
        if agreement.first_year or agreement.length_years:
            return True
        return bool(agreement.valid_from) and (
            bool(agreement.valid_until) or agreement.renewal_rule in RUNS_ON
        )

    # --- Signatories, plans and problems ------------------------------------------------

    def signatories(self):
        if not self.parties:
            self.add(
                REQUIRED,
                "signatories",
                "parties",
                _("The agreement has no parties yet."),
                self.editor + "#parter",
            )
        for party in self.parties:
            if party.role != PartyRole.PARTICIPANT and party.pk not in self.signed_for:
                self.add(
                    REQUIRED,
                    "signatories",
                    f"signatory:{party.pk}",
                    _("No one signs for %(party)s: add a signatory.") % {"party": party.shown_name},
                    self.editor + "#underskrifter",
                )

    def action_plans(self):
        if not self.plans:
            self.add(
                REQUIRED,
                "plans",
                "no_plan",
                _("The agreement has no promises yet: add them in an action plan.")
                if self.promise
                else _("The agreement has no action plan."),
                reverse("plan_create", args=[self.agreement.pk]),
            )
        for plan in self.plans:
            if not plan.items.all():
                self.add(
                    REQUIRED,
                    "plans",
                    f"empty_plan:{plan.pk}",
                    _("The action plan “%(plan)s” has no rows.") % {"plan": plan.shown_title},
                    self._plan_url(plan),
                )
        for problem in self.problems:
            if not problem.rows_here:
                self.add(
                    WARNING if self.promise else REQUIRED,
                    "plans",
                    f"unaddressed:{problem.pk}",
                    _("No row of the action plans addresses the problem “%(problem)s”.")
                    % {"problem": _short(problem.text)},
                    self._plan_url(self.plans[0]) if self.plans else f"{self.editor}#problembild",
                )

    # --- Warnings ---------------------------------------------------------------------

    def goals(self):
        """A goal no indicator measures: a focus area's goals, with no indicator on it or
        on one of its rows; a row's goal, with none on it or on its focus area."""
        if self.promise:
            return
        areas_of_measured_rows = {
            row.focus_area_id
            for plan in self.plans
            for row in plan.items.all()
            if row.pk in self.measured_rows
        }
        for area in self.focus_areas:
            measured = area.pk in self.measured_areas or area.pk in areas_of_measured_rows
            if area.goals.strip() and not measured:
                self.add(
                    WARNING,
                    "goals",
                    f"area_goal:{area.pk}",
                    _("No indicator measures the goals of the focus area “%(area)s”.")
                    % {"area": area.title},
                    reverse("indicator_create", args=[self.agreement.pk])
                    + f"?fokusomrade={area.pk}",
                )
        for plan in self.plans:
            for row in plan.items.all():
                measured = row.pk in self.measured_rows or (
                    row.focus_area_id and row.focus_area_id in self.measured_areas
                )
                if row.goal.strip() and not row.continues_goal_above and not measured:
                    self.add(
                        WARNING,
                        "goals",
                        f"row_goal:{row.pk}",
                        _("No indicator measures the goal “%(goal)s”.")
                        % {"goal": _short(row.goal)},
                        reverse("indicator_create", args=[self.agreement.pk]) + f"?rad={row.pk}",
                    )

    def years(self):
        """Years named in the texts outside the agreement's period: what a copy for the next
        period kept from the one before."""
        first, last = self._period_years()
        if first is None:
            return
        texts = [
            ("title", _("the title"), self.agreement.title, self.editor + "#uppgifter"),
            ("subtitle", _("the subtitle"), self.agreement.subtitle, self.editor + "#uppgifter"),
        ]
        for section in self.sections:
            where = _("the section “%(heading)s”") % {
                "heading": section.heading or _("(continued text)")
            }
            url = f"{self.editor}#avsnitt-{section.pk}"
            text = f"{section.heading}\n{section.body}"
            texts.append((f"section:{section.pk}", where, text, url))
        for plan in self.plans:
            where = _("the action plan “%(plan)s”") % {"plan": plan.shown_title}
            plan_texts = [plan.title, plan.period_text, plan.table_heading, plan.introduction]
            texts.append(
                (f"plan:{plan.pk}", where, "\n".join(plan_texts), self._plan_url(plan, edit=True))
            )
            for row in plan.items.all():
                where = _("the row “%(row)s”") % {"row": _short(row.activity)}
                row_texts = [row.goal, row.activity, row.when_text, row.group_heading]
                texts.append(
                    (f"row:{row.pk}", where, "\n".join(row_texts), self._row_url(plan, row))
                )
        for key, where, text, url in texts:
            outside = sorted(
                {
                    int(year)
                    for year in YEAR.findall(text or "")
                    if int(year) < first or (last is not None and int(year) > last)
                }
            )
            if outside:
                self.add(
                    WARNING,
                    "years",
                    f"year:{key}:{','.join(map(str, outside))}",
                    _("%(where)s names %(years)s, outside the period %(period)s.")
                    % {
                        "where": capfirst(where),
                        "years": ", ".join(map(str, outside)),
                        "period": self.agreement.period_as_written(),
                    },
                    url,
                )

    def _period_years(self) -> tuple[int | None, int | None]:
        agreement = self.agreement
        if agreement.first_year:
            return agreement.first_year, agreement.last_year or agreement.first_year
        if agreement.valid_from:
            last = agreement.valid_until.year if agreement.valid_until else None
            return agreement.valid_from.year, last
        return None, None

    def rows(self):
        for plan in self.plans:
            for row in plan.items.all():
                named = (
                    row.responsible_text.strip()
                    or row.responsibilities.all()
                    or (self.promise and row.group_heading.strip())
                )
                if not named:
                    self.add(
                        WARNING,
                        "rows",
                        f"responsible:{row.pk}",
                        _("The row “%(row)s” has no responsible party.")
                        % {"row": _short(row.activity)},
                        self._row_url(plan, row),
                    )
                dated = (
                    row.when_text.strip()
                    or row.starts_on
                    or row.ends_on
                    or row.due_on
                    or row.recurrence
                )
                if not dated:
                    self.add(
                        WARNING,
                        "rows",
                        f"when:{row.pk}",
                        _("The row “%(row)s” does not say when.") % {"row": _short(row.activity)},
                        self._row_url(plan, row),
                    )

    def _plan_url(self, plan, edit=False) -> str:
        return reverse("plan_edit" if edit else "plan_detail", args=[self.agreement.pk, plan.pk])

    def _row_url(self, plan, row) -> str:
        return self._plan_url(plan) + f"#rad-{row.pk}"


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def check_before_signing(agreement: Agreement) -> list[Finding]:
    """What is missing (required) and what to look at (warnings) before the agreement is
    made ready for signature, required first, each with where to fix it."""
    return Check(agreement).run()


def required(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.is_required]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.is_required]


def grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """(topic label, its findings), topics in their order, for a page to list."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.topic, []).append(finding)
    return [(str(TOPICS[topic]), groups[topic]) for topic in TOPICS if topic in groups]
