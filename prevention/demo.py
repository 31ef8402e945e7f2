"""The demo's law items: a lägesbild, an åtgärdsplan and a coordinating function for the
municipalities of the demo, dated relative to `today` so that the pages show every state:
in Sollentuna's police area Sollentuna is in order, Upplands Väsby's lägesbild is due
soon and its åtgärdsplan overdue for review, and Sigtuna has a lägesbild older than the
interval (overdue) and no coordinating function. Invented texts; the settings' intervals
decide the states, so the dates are counted from them."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model

from organisations.models import Organisation
from organisations.names import name_slug

from .models import CoordinatingFunction, PreventionPlan, SituationReport, add_months


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def load_demo_law_items(municipality_names, today: datetime.date) -> list[str]:
    """Add the items to each named municipality that has none yet; returns the names of
    those given items. Running it again changes nothing."""
    report_months = settings.LAW_SITUATION_REPORT_MONTHS
    review_months = settings.LAW_PREVENTION_PLAN_REVIEW_MONTHS
    notice = settings.LAW_DUE_NOTICE_DAYS
    # (months since the lägesbild, days its plan's review is away, has a coordinator)
    ages = {
        "Sollentuna": (4, 200, True),
        "Upplands Väsby": (report_months - 1, -20, True),  # due soon; review overdue
        "Sigtuna": (report_months + 2, notice // 2, False),  # overdue; review due soon
    }
    given = []
    for municipality in Organisation.objects.municipalities().filter(name__in=municipality_names):
        if (
            SituationReport.objects.filter(municipality=municipality).exists()
            or PreventionPlan.objects.filter(municipality=municipality).exists()
        ):
            continue
        months, review_in, coordinator = ages.get(municipality.name, (10, 120, True))
        adopted = add_months(today, -months)
        SituationReport.objects.create(
            municipality=municipality,
            title=f"Lägesbild brottslighet och trygghet {municipality.name} {adopted.year}",
            adopted_on=adopted,
            adopted_by="Kommunstyrelsen",
            crime_mapping=(
                f"Anmälda brott i {municipality.name} per brottstyp och område de senaste tre "
                "åren, med polisens statistik och kommunens egna trygghetsmätningar. "
                "Skadegörelse och narkotikabrott i centrum ökar; inbrotten minskar."
            ),
            other_information=(
                "Skolornas och socialtjänstens iakttagelser, fastighetsägarnas "
                "skaderapporter och medborgardialoger i stadsdelarna."
            ),
            analysis=(
                "Brotten samlas kring kollektivtrafikens knutpunkter kvällstid; unga "
                "mellan 15 och 20 år är både utsatta och misstänkta."
            ),
        )
        review_on = today + _days(review_in)
        decided = add_months(review_on, -review_months)
        if decided >= review_on or decided > today:  # pragma: no cover (settings make sense)
            decided = today - _days(1)
        PreventionPlan.objects.create(
            municipality=municipality,
            title=f"Brottsförebyggande åtgärdsplan {municipality.name}",
            decided_on=decided,
            decided_by="Kommunfullmäktige",
            reference_number=f"KS {decided.year}/{100 + municipality.pk % 800}",
            summary="Åtgärder mot de problem lägesbilden prioriterar, med ansvar och tidplan.",
        )
        if (
            coordinator
            and not CoordinatingFunction.objects.filter(municipality=municipality).exists()
        ):
            user = (
                get_user_model()
                .objects.filter(username=f"samordnare.{name_slug(municipality.name)}")
                .first()
            )
            CoordinatingFunction.objects.create(
                municipality=municipality,
                unit="Kommunledningskontoret, trygghet och säkerhet",
                user=user,
                person_title="Brottsförebyggande samordnare",
                phone="08-123 456 00",
            )
        given.append(municipality.name)
    return given
