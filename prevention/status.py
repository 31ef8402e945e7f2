"""Where a municipality stands with the law's three items today: each present, missing,
due (its renewal or review falls within LAW_DUE_NOTICE_DAYS) or overdue. Computed from
the items' dates and the settings, never stored (docs/law-items.md)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .models import CoordinatingFunction, PreventionPlan, SituationReport


class ItemState:
    PRESENT = "present"
    MISSING = "missing"
    DUE = "due"
    OVERDUE = "overdue"

    LABELS = {
        PRESENT: _("in place"),
        MISSING: _("missing"),
        DUE: _("due soon"),
        OVERDUE: _("overdue"),
    }


def state_by_date(due_on: datetime.date | None, today: datetime.date) -> str:
    """Overdue after its date, due from LAW_DUE_NOTICE_DAYS before it, else present."""
    if due_on is None:
        return ItemState.MISSING
    if due_on < today:
        return ItemState.OVERDUE
    if due_on <= today + datetime.timedelta(days=settings.LAW_DUE_NOTICE_DAYS):
        return ItemState.DUE
    return ItemState.PRESENT


@dataclass
class LawItem:
    """One of the three items for one municipality: what holds it now and its state."""

    key: str  # lagesbild, atgardsplan, samordning
    current: object | None
    state: str
    due_on: datetime.date | None = None
    earlier: tuple = ()

    @property
    def state_label(self):
        return ItemState.LABELS[self.state]

    @property
    def needs_attention(self) -> bool:
        return self.state != ItemState.PRESENT


@dataclass
class LawStatus:
    """The three items of one municipality."""

    municipality: object
    today: datetime.date
    situation_report: LawItem
    prevention_plan: LawItem
    coordination: LawItem

    @property
    def items(self) -> list[LawItem]:
        return [self.situation_report, self.prevention_plan, self.coordination]

    @property
    def attention(self) -> list[LawItem]:
        return [item for item in self.items if item.needs_attention]


def with_law_items(municipalities):
    """The municipalities with what `law_status` reads, in three more queries however many."""
    return municipalities.prefetch_related(
        Prefetch(
            "situation_reports",
            queryset=SituationReport.objects.order_by("-adopted_on", "-pk"),
            to_attr="law_reports",
        ),
        Prefetch(
            "prevention_plans",
            queryset=PreventionPlan.objects.order_by("-decided_on", "-pk"),
            to_attr="law_plans",
        ),
        Prefetch(
            "coordinating_function",
            queryset=CoordinatingFunction.objects.select_related("user"),
        ),
    )


def law_status(municipality, today: datetime.date) -> LawStatus:
    """The three items of a municipality fetched through `with_law_items`."""
    reports, plans = municipality.law_reports, municipality.law_plans
    report = reports[0] if reports else None
    plan = plans[0] if plans else None
    try:
        coordination = municipality.coordinating_function
    except CoordinatingFunction.DoesNotExist:
        coordination = None
    report_due = report.next_due_on if report else None
    plan_due = plan.review_due_on if plan else None
    return LawStatus(
        municipality=municipality,
        today=today,
        situation_report=LawItem(
            "lagesbild", report, state_by_date(report_due, today), report_due, tuple(reports[1:])
        ),
        prevention_plan=LawItem(
            "atgardsplan", plan, state_by_date(plan_due, today), plan_due, tuple(plans[1:])
        ),
        coordination=LawItem(
            "samordning",
            coordination,
            ItemState.PRESENT if coordination else ItemState.MISSING,
        ),
    )


def age_in_months(since: datetime.date, today: datetime.date) -> int:
    """Whole months from `since` to `today`."""
    months = (today.year - since.year) * 12 + today.month - since.month
    return months - (today.day < since.day)
