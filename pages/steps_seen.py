"""What Samverkan sees of an agreement for itself, item by item of the five steps: each
function takes the `Facts` and returns what it saw as `Evidence` (or None) and, when it
sees nothing yet, what is missing. The parts the agreement page has prefetched are read
from memory; signed versions, final reports, cadences, signed citizen promises and the
latest adoption of a plan come in one query (`Facts.seen`), the rows' links to problems
in another. It looks at signed
versions and reports, so this lives in `pages`, above `signing` and `followup`."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Min, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from actionplans.models import ActionItem, ItemStatus, PlanAdoption
from agreements.models import Agreement, SourceKind, StepItem
from followup.models import FollowUpCadence, FollowUpReport
from followup.models.cadences import CadenceFrequency, CadenceKind
from followup.models.reports import ReportStatus
from signing.models import AgreementVersion


@dataclass
class Evidence:
    """What Samverkan saw: words, where to see it, and the date it happened if known."""

    text: str
    url: str = ""
    on: datetime.date | None = None


class Facts:
    """What the product knows of one agreement: the prefetched parts, read from memory, and
    in one query each the rows that address problems and the rest (`seen`)."""

    def __init__(self, agreement: Agreement):
        self.agreement = agreement
        self.page = reverse("agreement_detail", args=[agreement.pk])

    @cached_property
    def picture(self):
        return getattr(self.agreement, "problem_picture", None)

    @cached_property
    def problems(self) -> list:
        if self.picture is None:
            return []
        return [item for area in self.picture.areas.all() for item in area.items.all()]

    def dialogues(self, kind) -> list:
        """The problem picture's dialogues of this kind, with a date or not."""
        if self.picture is None:
            return []
        return [source for source in self.picture.sources.all() if source.kind == kind]

    @cached_property
    def rows(self) -> list:
        return [
            row
            for plan in self.agreement.action_plans.all()
            for row in plan.items.all()
            if row.status != ItemStatus.PROPOSED
        ]

    @cached_property
    def addressed_problems(self) -> set[int]:
        links = ActionItem.problem_items.through.objects.filter(
            actionitem__plan__agreement=self.agreement
        ).exclude(actionitem__status=ItemStatus.PROPOSED)
        return set(links.values_list("problemitem_id", flat=True))

    @cached_property
    def seen(self) -> dict:
        """In one query: the first signed version, the latest final report, the first
        follow-up cadence and the first signed citizen promise under the agreement."""
        here = OuterRef("pk")
        version = AgreementVersion.objects.filter(agreement=here, signed_on__isnull=False)
        version = version.order_by("signed_on", "number")
        report = FollowUpReport.objects.filter(agreement=here, status=ReportStatus.FINAL)
        report = report.order_by("-finalised_on", "-pk")
        cadence = FollowUpCadence.objects.filter(agreement=here)
        promise = Agreement.objects.filter(part_of=here, signed_version__isnull=False)
        promise = promise.annotate(first_signed=Min("versions__signed_on"))
        promise = promise.order_by("first_signed", "pk")
        adoption = PlanAdoption.objects.filter(plan__agreement=here)
        adoption = adoption.order_by("-adopted_on", "-number", "-pk")

        def first(queryset, name):
            return Subquery(queryset.values(name)[:1])

        return (
            Agreement.objects.filter(pk=self.agreement.pk)
            .values(
                version_number=first(version, "number"),
                version_signed_on=first(version, "signed_on"),
                report_pk=first(report, "pk"),
                report_title=first(report, "title"),
                report_on=first(report, "finalised_on"),
                cadence_kind=first(cadence, "kind"),
                cadence_frequency=first(cadence, "frequency"),
                cadence_description=first(cadence, "description"),
                promise_pk=first(promise, "pk"),
                promise_title=first(promise, "title"),
                promise_on=first(promise, "first_signed"),
                adoption_plan=first(adoption, "plan_id"),
                adoption_number=first(adoption, "number"),
                adoption_body=first(adoption, "body"),
                adoption_on=first(adoption, "adopted_on"),
            )
            .get()
        )


def _dialogues(facts: Facts, kind, words):
    dialogues = facts.dialogues(kind)
    held = [source for source in dialogues if source.held_on]
    if not held and dialogues:
        return None, gettext(
            "The problem picture lists the dialogue without the date it was held: add the date."
        )
    if not held:
        return None, gettext("The problem picture lists no such dialogue yet.")
    latest = max(held, key=lambda source: source.held_on)
    text = words(len(held)) % {"count": len(held), "title": latest.title}
    return Evidence(text, f"{facts.page}#problem-picture", latest.held_on), ""


def _staff_dialogues(facts):
    return _dialogues(
        facts,
        SourceKind.STAFF_DIALOGUE,
        lambda count: ngettext(
            "%(count)d staff dialogue held: %(title)s",
            "%(count)d staff dialogues held, the latest: %(title)s",
            count,
        ),
    )


def _citizen_dialogues(facts):
    return _dialogues(
        facts,
        SourceKind.CITIZEN_DIALOGUE,
        lambda count: ngettext(
            "%(count)d citizen dialogue held: %(title)s",
            "%(count)d citizen dialogues held, the latest: %(title)s",
            count,
        ),
    )


def _joint_picture(facts):
    picture = facts.picture
    if picture is None or not (picture.summary.strip() or facts.problems or picture.sources.all()):
        return None, gettext("The agreement has no problem picture yet.")
    text = str(picture)
    return Evidence(text, f"{facts.page}#problem-picture", picture.drawn_up_on), ""


def _problems_prioritised(facts):
    if not facts.problems:
        return None, gettext("The problem picture names no problems yet.")
    count = len(facts.problems)
    text = ngettext("%(count)d problem in focus", "%(count)d problems in focus", count) % {
        "count": count
    }
    picture = facts.picture
    return Evidence(text, f"{facts.page}#problem-picture", picture.drawn_up_on), ""


def _cause_analysis(facts):
    if not facts.problems:
        return None, gettext("The problem picture names no problems yet.")
    without = [item for item in facts.problems if not item.probable_causes.strip()]
    if without:
        missing = ngettext(
            "%(count)d problem has no probable causes written.",
            "%(count)d problems have no probable causes written.",
            len(without),
        ) % {"count": len(without)}
        return None, missing
    count = len(facts.problems)
    text = ngettext(
        "Probable causes written for %(count)d problem",
        "Probable causes written for all %(count)d problems",
        count,
    ) % {"count": count}
    return Evidence(text, f"{facts.page}#problem-picture"), ""


def _agreement_signed(facts):
    seen, agreement = facts.seen, facts.agreement
    if seen["version_number"] is not None:
        text = gettext("Version %(number)s signed") % {"number": seen["version_number"]}
        url = reverse("version_detail", args=[agreement.pk, seen["version_number"]])
        return Evidence(text, url, seen["version_signed_on"]), ""
    if agreement.signed_version:  # imported as signed, from paper
        text = gettext("Version %(number)s, registered as signed") % {
            "number": agreement.signed_version
        }
        return Evidence(text, facts.page), ""
    return None, gettext("No version of the agreement is signed yet.")


def _goals(facts):
    agreement = facts.agreement
    goals = list(agreement.overall_goals.all())
    areas = [area for area in agreement.focus_areas.all() if area.goals.strip()]
    if not goals and not areas:
        return None, gettext("No overall goal and no focus area with goals yet.")
    parts = []
    if goals:
        parts.append(
            ngettext("%(count)d overall goal", "%(count)d overall goals", len(goals))
            % {"count": len(goals)}
        )
    if areas:
        parts.append(
            ngettext(
                "%(count)d focus area with goals", "%(count)d focus areas with goals", len(areas)
            )
            % {"count": len(areas)}
        )
    anchor = "#overgripande-mal" if goals else "#focus-areas"
    return Evidence(", ".join(parts), facts.page + anchor), ""


def _measures_on_causes(facts):
    if not facts.problems:
        return None, gettext("The problem picture names no problems yet.")
    left = [item for item in facts.problems if item.pk not in facts.addressed_problems]
    if left:
        missing = ngettext(
            "%(count)d problem is addressed by no activity.",
            "%(count)d problems are addressed by no activity.",
            len(left),
        ) % {"count": len(left)}
        return None, missing
    count = len(facts.problems)
    text = ngettext(
        "%(count)d problem, addressed by an activity",
        "Each of the %(count)d problems is addressed by an activity",
        count,
    ) % {"count": count}
    return Evidence(text, f"{facts.page}#action-plans"), ""


def _plans_drawn_up(facts):
    plans = [plan for plan in facts.agreement.action_plans.all() if plan.items.all()]
    if not facts.rows:
        return None, gettext("No action plan has rows yet.")
    text = ngettext(
        "%(plans)d action plan with %(rows)d rows",
        "%(plans)d action plans with %(rows)d rows",
        len(plans),
    ) % {"plans": len(plans), "rows": len(facts.rows)}
    url = reverse("plan_detail", args=[facts.agreement.pk, plans[0].pk])
    return Evidence(text, url), ""


def _plans_adopted(facts):
    """Every action plan with rows adopted (fastställd); the evidence is the latest one."""
    plans = [plan for plan in facts.agreement.action_plans.all() if plan.items.all()]
    if not plans:
        return None, gettext("No action plan has rows yet.")
    waiting = [plan for plan in plans if plan.latest_adoption_id is None]
    if waiting:
        return None, ngettext(
            "%(count)d action plan is not adopted: %(plans)s.",
            "%(count)d action plans are not adopted: %(plans)s.",
            len(waiting),
        ) % {"count": len(waiting), "plans": ", ".join(plan.shown_title for plan in waiting)}
    seen = facts.seen
    text = gettext("Adopted version %(number)s, %(body)s") % {
        "number": seen["adoption_number"],
        "body": seen["adoption_body"],
    }
    url = reverse("plan_detail", args=[facts.agreement.pk, seen["adoption_plan"]])
    return Evidence(text, url, seen["adoption_on"]), ""


def _citizen_promises(facts):
    if facts.agreement.is_citizen_promise:
        return _agreement_signed(facts)
    seen = facts.seen
    if seen["promise_pk"] is None:
        return None, gettext("No citizen promise under this agreement is signed yet.")
    text = gettext("Signed: %(title)s") % {"title": seen["promise_title"]}
    url = reverse("agreement_detail", args=[seen["promise_pk"]])
    return Evidence(text, url, seen["promise_on"]), ""


def _follow_up_planned(facts):
    agreement, seen = facts.agreement, facts.seen
    url = reverse("follow_up", args=[agreement.pk])
    if seen["cadence_kind"] is not None:
        text = seen["cadence_description"] or ", ".join(
            (
                str(CadenceKind(seen["cadence_kind"]).label),
                str(CadenceFrequency(seen["cadence_frequency"]).label),
            )
        )
        return Evidence(text, url), ""
    if agreement.has_follow_up_arrangement:
        text = agreement.follow_up_how_often or agreement.follow_up_by
        return Evidence(text or gettext("Follow-up arrangement written"), url), ""
    return None, gettext("No follow-up arrangement or follow-up dates yet.")


def _reported(facts):
    seen = facts.seen
    if seen["report_pk"] is None:
        return None, gettext("No follow-up report is final yet.")
    url = reverse("report_detail", args=[facts.agreement.pk, seen["report_pk"]])
    text = gettext("Final report: %(title)s") % {"title": seen["report_title"]}
    return Evidence(text, url, seen["report_on"]), ""


# What Samverkan looks for itself, per item: a function of the facts returning (what it saw
# or None, what it still misses).
LOOKED_FOR = {
    StepItem.STAFF_DIALOGUES: _staff_dialogues,
    StepItem.JOINT_SITUATION_PICTURE: _joint_picture,
    StepItem.PROBLEMS_PRIORITISED: _problems_prioritised,
    StepItem.CITIZEN_DIALOGUES: _citizen_dialogues,
    StepItem.CAUSE_ANALYSIS: _cause_analysis,
    StepItem.AGREEMENT_SIGNED: _agreement_signed,
    StepItem.GOALS: _goals,
    StepItem.MEASURES_ON_CAUSES: _measures_on_causes,
    StepItem.PLANS_DRAWN_UP: _plans_drawn_up,
    StepItem.PLANS_ADOPTED: _plans_adopted,
    StepItem.CITIZEN_PROMISES: _citizen_promises,
    StepItem.FOLLOW_UP_PLANNED: _follow_up_planned,
    StepItem.REPORTED: _reported,
}
