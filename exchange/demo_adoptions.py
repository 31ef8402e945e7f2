"""The demo's adopted plans (fastställda handlingsplaner), so that Fastställ, the changes
since adoption and the comparison are seen in the demo. **Invented**: the seeds do not say
who adopted their plans or when (exchange/demo/README.md says so).

- Strängnäs' plan was adopted once by its steering group, as it stands.
- Härnösand's plan was adopted as version 1 as it stands, then as version 2 with its first
  row reading "Under våren 2012"; the row now says "Under 2012", so the plan page marks it
  as changed since adoption and Jämför med fastställd version shows what changed.

Only plans never adopted are adopted: loading the demo twice gives the same data.
"""

import datetime

from actionplans.adoption import adopt, plan_state
from actionplans.models import ActionPlan, PlanAdoption
from agreements.models import Agreement

BODY = "Styrgruppen för BRÅ"
ADOPTIONS = {
    "strangnas-2020": [(datetime.date(2020, 2, 12), "KS 2020/41")],
    "harnosand-2012": [(datetime.date(2012, 2, 8), "KS 2012/17")],
}
# Härnösand's version 2, adopted when its first row said something else.
SECOND = (
    "harnosand-2012",
    datetime.date(2012, 9, 5),
    "KS 2012/203",
    {"when_text": "Under våren 2012"},
)


def load_demo_adoptions() -> list[str]:
    """Adopt the demo's plans not yet adopted; the references of the agreements adopted."""
    done = []
    for reference, adoptions in ADOPTIONS.items():
        plan = _plan(reference)
        if plan is None or PlanAdoption.objects.filter(plan=plan).exists():
            continue
        focus_areas = list(plan.agreement.focus_areas.all())
        for number, (adopted_on, reference_number) in enumerate(adoptions, start=1):
            adopt(
                plan,
                number=number,
                adopted_on=adopted_on,
                body=BODY,
                reference_number=reference_number,
                user=None,
                focus_areas=focus_areas,
            )
        if reference == SECOND[0]:
            _adopt_as_it_was(plan, focus_areas)
        done.append(reference)
    return done


def _plan(reference: str) -> ActionPlan | None:
    agreement = Agreement.objects.filter(reference=reference).first()
    return ActionPlan.objects.filter(agreement=agreement).order_by("position").first()


def _adopt_as_it_was(plan: ActionPlan, focus_areas) -> None:
    """Version 2 as the plan stood then: its first row as it read before it was changed."""
    _reference, adopted_on, reference_number, first_row = SECOND
    state = plan_state(plan, focus_areas)
    state["rows"][0].update(first_row)
    adoption = PlanAdoption.objects.create(
        plan=plan,
        number=2,
        adopted_on=adopted_on,
        body=BODY,
        reference_number=reference_number,
        snapshot=state,
    )
    ActionPlan.objects.filter(pk=plan.pk).update(latest_adoption=adoption)
