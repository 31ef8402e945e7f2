"""Nästa period for an action plan renewed each year (ActionPlan.renewal, year): next
year's plan in the same agreement, as next_period.py starts next period's agreement: the
rows not finished carried over and linked to the rows they came from, the finished ones
left behind with their results, the year named in its title and period moved on where
that is unambiguous. When the agreement's period ends before next year, it is the agreement
that goes to its next period."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem, ActionPlan, ItemStatus, Responsibility
from samverkan.ordering import next_position

from .building.plans import ROW_FIELDS
from .next_period import FINISHED, NextPeriodRefused, lock, renamed

PLAN_FIELDS = ("municipality", "layout", "introduction", "table_heading", "renewal")
# What a carried row starts the new year with: not yet done (a proposed one stays proposed).
RESET = {"status", "carried_from_period"}


def start_next_plan(plan: ActionPlan) -> ActionPlan:
    """Next year's plan after `plan` (see the module). Refused, in words for the editor,
    for a plan not renewed each year or without its year, when the agreement's period ends
    before next year, and when next year's plan is there already (naming it)."""
    if not plan.is_yearly:
        raise NextPeriodRefused(
            _(
                "Only a plan renewed each year is followed by next year's plan. A plan for "
                "the agreement's whole period goes with the agreement to its next period."
            )
        )
    if not plan.year:
        raise NextPeriodRefused(
            _("State the year the plan is for first (Edit the plan's details).")
        )
    return _start(plan, plan.year + 1)


@transaction.atomic
def _start(plan: ActionPlan, year: int) -> ActionPlan:
    lock(plan.agreement_id)
    existing = ActionPlan.objects.filter(
        agreement_id=plan.agreement_id, municipality_id=plan.municipality_id, year=year
    ).first()
    if existing is not None:
        raise NextPeriodRefused(
            _("Next year's plan was started already: %(title)s.") % {"title": existing},
            existing,
        )
    later = relativedelta(years=1)
    old_years = range(plan.year, plan.year + 1)
    new = ActionPlan(
        agreement=plan.agreement,
        position=next_position(plan.agreement.action_plans.all()),
        year=year,
        title=renamed(plan.title, old_years, str(year), add=False),
        period_text=renamed(plan.period_text, old_years, str(year), add=False),
        starts_on=plan.starts_on and plan.starts_on + later,
        ends_on=plan.ends_on and plan.ends_on + later,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    agreement_end = plan.agreement.last_day()
    if agreement_end and new.counted_period()[1] > agreement_end:
        raise NextPeriodRefused(
            _(
                "The agreement's period (%(period)s) ends before %(year)s: take the agreement "
                "to its next period (Next period on its page), and make next year's plan "
                "there."
            )
            % {"period": plan.agreement.period_as_written(), "year": year}
        )
    try:
        new.full_clean(exclude=["position"])
    except ValidationError as error:
        raise NextPeriodRefused(" ".join(error.messages)) from error
    new.save()
    rows = plan.items.exclude(status__in=FINISHED).order_by("position")
    for position, row in enumerate(rows.prefetch_related("responsibilities", "problem_items"), 1):
        _carry(row, new, position, str(plan.year), later)
    return new


def _carry(row: ActionItem, plan: ActionPlan, position: int, years: str, later):
    carried = ActionItem(
        plan=plan,
        position=position,
        focus_area_id=row.focus_area_id,
        carried_from=row,
        carried_from_period=years,
        status=ItemStatus.PROPOSED if row.status == ItemStatus.PROPOSED else ItemStatus.NOT_STARTED,
        **{name: getattr(row, name) for name in ROW_FIELDS if name not in RESET},
    )
    for name in ("starts_on", "ends_on", "due_on"):
        if getattr(carried, name):
            setattr(carried, name, getattr(carried, name) + later)
    carried.save()
    carried.problem_items.set(row.problem_items.all())
    Responsibility.objects.bulk_create(
        Responsibility(
            item=carried,
            position=responsibility.position,
            organisation_id=responsibility.organisation_id,
            unit=responsibility.unit,
            role=responsibility.role,
            description=responsibility.description,
        )
        for responsibility in row.responsibilities.all()
    )
