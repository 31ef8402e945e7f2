"""The demo's ticks of the five steps: what each seed agreement's partners did before and
during its period and the product cannot see for itself (a decision to start, roles, the
joint organisation, communication, their own situation pictures, their leaderships), dated
from the agreement's period, ticked by the municipality's demo coordinator. An agreement
that has ticks already is left as it is."""

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model

from agreements.models import Agreement, StepItem, StepTick
from organisations.names import name_slug

# (item, months before the period starts, evidence, words a section heading to point at
# may contain)
BEFORE_THE_PERIOD = (
    (
        StepItem.DECISION_TO_START,
        8,
        "Beslut i kommunstyrelsen och i lokalpolisområdets ledningsgrupp att ta fram en ny "
        "överenskommelse",
        (),
    ),
    (StepItem.ROLES, 7, "Roller och ansvar beskrivna i överenskommelsen", ("organisation",)),
    (
        StepItem.ORGANISATION,
        7,
        "Styrgrupp och arbetsgrupp med namngivna personer från kommunen och polisen",
        ("organisation", "struktur"),
    ),
    (
        StepItem.COMMUNICATION,
        6,
        "Kommunikatörer hos kommunen och polisen; kommunikationsplan i arbetsgruppen",
        ("kommunikation", "information"),
    ),
    (
        StepItem.OWN_SITUATION_PICTURES,
        5,
        "Kommunens och lokalpolisområdets egna lägesbilder",
        (),
    ),
    (
        StepItem.LEADERSHIPS_INFORMED,
        3,
        "Dragning för kommunledningen och för lokalpolisområdets ledningsgrupp",
        (),
    ),
)
# Ticked after the period's end, for an agreement whose period is over.
AFTER_THE_PERIOD = (
    (StepItem.MEASURES_CARRIED_OUT, 0, "Aktiviteterna redovisade i uppföljningen"),
    (StepItem.PROCESS_REVIEWED, 1, "Arbetsgruppen har utvärderat samverkansprocessen"),
)


def tick_demo_steps(references: list[str], today: datetime.date) -> int:
    """Tick the demo's steps for the seed agreements without ticks; the number ticked."""
    ticked = 0
    agreements = (
        Agreement.objects.filter(reference__in=references)
        .exclude(step_ticks__isnull=False)
        .prefetch_related("sections", "parties__organisation")
    )
    for agreement in agreements:
        ticked += _tick(agreement, today)
    return ticked


def _tick(agreement: Agreement, today: datetime.date) -> int:
    start, end = agreement.counted_period()
    if start is None:
        return 0
    coordinator = _coordinator(agreement)
    name = coordinator.get_full_name() if coordinator else ""
    sections = [section for section in agreement.sections.all() if section.heading]
    ticks = []
    for item, months, evidence, words in BEFORE_THE_PERIOD:
        section = next(
            (s for s in sections if any(word in s.heading.lower() for word in words)), None
        )
        ticks.append((item, start - relativedelta(months=months), evidence, section))
    if end is not None and end < today:
        for item, months, evidence in AFTER_THE_PERIOD:
            ticks.append((item, end + relativedelta(months=months), evidence, None))
    for item, day, evidence, section in ticks:
        StepTick.objects.create(
            agreement=agreement,
            item=item,
            ticked_on=min(day, today),
            ticked_by=coordinator,
            ticked_by_name=name,
            evidence=evidence,
            section=section,
        )
    return len(ticks)


def _coordinator(agreement: Agreement):
    """The demo coordinator of the agreement's first municipality, if there is one."""
    municipality = next(
        (p.organisation for p in agreement.parties.all() if p.organisation.is_municipality),
        None,
    )
    if municipality is None:
        return None
    username = f"samordnare.{name_slug(municipality.name)}"
    return get_user_model().objects.filter(username=username).first()
