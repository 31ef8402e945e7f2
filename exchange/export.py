"""Agreements as JSON documents of format version 2 (see schema/agreements-v2.schema.json;
the importer also reads version 1).

Everything an agreement holds, in printed order, without database ids: organisations by
natural key, problem items and focus areas by their 1-based positions.

Over 400 lines as one module on purpose: the fetching of every part of an agreement and the
mapping of each part to the format are read together, as the format's one description.
"""

from django.db.models import Prefetch

from actionplans.models import ActionItem, ActionPlan, PlanAdoption, Responsibility
from agreements.models import Agreement, Party, ProblemArea, Signatory, StepTick
from followup.models import (
    ActivityAssessment,
    FollowUpCadence,
    FollowUpEntry,
    FollowUpReport,
    Indicator,
    PartyFulfilment,
    PublicFeedback,
)
from organisations.models import Organisation

from .adoptions import exported_adoptions
from .building.agreement import FOLLOW_UP_FIELDS
from .building.steps import exported_step_ticks

FORMAT_VERSION = 2
BRA_ROW_FIELDS = ("cause", "contact", "follow_up_text")


def organisation_key(organisation: Organisation | None) -> dict | None:
    """The organisation with every field needed to find or create it again."""
    if organisation is None:
        return None
    key = {"kind": organisation.kind, "name": organisation.name}
    if organisation.kommunkod:
        key["kommunkod"] = organisation.kommunkod
    if organisation.parent_id:
        key["parent"] = organisation_key(organisation.parent)
    return key


def _party(party: Party) -> dict:
    exported = {"organisation": organisation_key(party.organisation)}
    if party.name:  # only when the document names the party otherwise than the registry
        exported["name"] = party.name
    return exported | {"role": party.role, "label": party.label}


def _date(value):
    return value.isoformat() if value else None


def _moment(value):
    return value.isoformat() if value else None


def _decimal(value):
    return None if value is None else format(value.normalize(), "f")


def agreements_for_export(ids=None):
    """All the agreements, with every related row fetched in a fixed number of queries."""
    org = "organisation__parent__parent__parent"
    queryset = (
        Agreement.objects.order_by("reference")
        .select_related("part_of", "follows", "publication")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related(org)),
            "sections",
            Prefetch("signatories", queryset=Signatory.objects.select_related(f"party__{org}")),
            "problem_picture__sources",
            "problem_picture__situation_report__municipality",
            Prefetch(
                "problem_picture__areas",
                queryset=ProblemArea.objects.prefetch_related("items"),
            ),
            "overall_goals",
            "focus_areas",
            Prefetch(
                "action_plans",
                queryset=ActionPlan.objects.select_related("municipality").prefetch_related(
                    Prefetch("adoptions", queryset=PlanAdoption.objects.order_by("number")),
                    Prefetch(
                        "items",
                        queryset=ActionItem.objects.select_related(
                            "responsible_person"
                        ).prefetch_related(
                            "problem_items",
                            Prefetch(
                                "responsibilities",
                                queryset=Responsibility.objects.select_related(org),
                            ),
                            Prefetch(
                                "public_feedback",
                                queryset=PublicFeedback.objects.order_by("written_on", "pk"),
                            ),
                            Prefetch(
                                "follow_up_entries",
                                queryset=FollowUpEntry.objects.order_by(
                                    "occurred_on", "created_at", "pk"
                                ).prefetch_related("participants__parent__parent__parent"),
                            ),
                        ),
                    ),
                ),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related("measurements"),
            ),
            Prefetch(
                "follow_up_reports",
                queryset=FollowUpReport.objects.order_by("period_start", "pk").prefetch_related(
                    Prefetch(
                        "fulfilments",
                        queryset=PartyFulfilment.objects.select_related(f"party__{org}").order_by(
                            "party__position"
                        ),
                    ),
                    Prefetch(
                        "activity_assessments",
                        queryset=ActivityAssessment.objects.order_by("pk"),
                    ),
                ),
            ),
            Prefetch(
                "cadences", queryset=FollowUpCadence.objects.order_by("kind", "first_on", "pk")
            ),
            Prefetch(
                "step_ticks",
                queryset=StepTick.objects.select_related("ticked_by").order_by("ticked_on", "pk"),
            ),
        )
    )
    if ids:
        queryset = queryset.filter(pk__in=ids)
    return queryset


def export_document(agreements) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "agreements": [agreement_to_dict(agreement) for agreement in agreements],
    }


def _numbered(objects):
    return enumerate(objects, start=1)


def _period_without_dates(agreement: Agreement) -> dict:
    """A period written in years or as a length from signing: only when set, so files of
    agreements with exact dates read as before."""
    fields = ("first_year", "last_year", "length_years")
    return {name: getattr(agreement, name) for name in fields if getattr(agreement, name)}


def _follow_up_arrangement(agreement: Agreement) -> dict:
    """Only when written, so files of agreements without one read as before."""
    if not agreement.has_follow_up_arrangement:
        return {}
    arrangement = {key: getattr(agreement, name) for key, name in FOLLOW_UP_FIELDS.items()}
    return {"follow_up_arrangement": arrangement}


def _publication(agreement: Agreement) -> dict:
    """Whether and since when the citizen promise is on the public page. Who published it
    stays out, as users do everywhere in the format; the agreement's events keep it."""
    publication = getattr(agreement, "publication", None)
    if publication is None:
        return {}
    return {"publication": {"published_at": _moment(publication.published_at)}}


def _public_feedback(item: ActionItem) -> dict:
    """The row's feedback to citizens, published or not (only when it has some). When it
    was mailed stays out: an imported piece is never mailed again (building/followup.py)."""
    feedback = [
        {
            "written_on": _date(piece.written_on),
            "text": piece.text,
            "published_at": _moment(piece.published_at),
        }
        for piece in item.public_feedback.all()
    ]
    return {"public_feedback": feedback} if feedback else {}


def agreement_to_dict(agreement: Agreement) -> dict:
    # References inside the document are 1-based places in its lists, never database ids.
    problem_picture = getattr(agreement, "problem_picture", None)
    problem_item_keys = {}
    if problem_picture is not None:
        for area_number, area in _numbered(problem_picture.areas.all()):
            for item_number, item in _numbered(area.items.all()):
                problem_item_keys[item.pk] = f"{area_number}.{item_number}"
    focus_area_numbers = {
        area.pk: number for number, area in _numbered(agreement.focus_areas.all())
    }
    plans = list(agreement.action_plans.all())
    item_keys = {
        item.pk: f"{plan_number}.{item_number}"
        for plan_number, plan in _numbered(plans)
        for item_number, item in _numbered(plan.items.all())
    }

    return {
        "reference": agreement.reference,
        "title": agreement.title,
        "subtitle": agreement.subtitle,
        "kind": agreement.kind,
        **({"part_of": agreement.part_of.reference} if agreement.part_of_id else {}),
        **({"follows": agreement.follows.reference} if agreement.follows_id else {}),
        "status": agreement.status,
        "version": agreement.version,
        "cycle_step": agreement.cycle_step,
        "valid_from": _date(agreement.valid_from),
        "valid_until": _date(agreement.valid_until),
        "renewal_rule": agreement.renewal_rule,
        "extension_max_years": agreement.extension_max_years,
        **_period_without_dates(agreement),
        "validity_note": agreement.validity_note,
        **_follow_up_arrangement(agreement),
        "terminated_on": _date(agreement.terminated_on),
        **_publication(agreement),
        "parties": [_party(party) for party in agreement.parties.all()],
        "sections": [
            {"heading": section.heading, "body": section.body, "embed": section.embed}
            for section in agreement.sections.all()
        ],
        "signatories": [
            {
                "organisation": organisation_key(signatory.party.organisation),
                "name": signatory.name,
                "title": signatory.title,
                "place": signatory.place,
                "signed_on": _date(signatory.signed_on),
            }
            for signatory in agreement.signatories.all()
        ],
        "problem_picture": _problem_picture(problem_picture),
        "overall_goals_heading": agreement.overall_goals_heading,
        "overall_goals": [{"text": goal.text} for goal in agreement.overall_goals.all()],
        "focus_areas": [
            {
                "title": area.title,
                "category": area.category,
                "background": area.background,
                "goals": area.goals,
                "footnotes": area.footnotes,
            }
            for area in agreement.focus_areas.all()
        ],
        "action_plans": [
            _plan(plan, focus_area_numbers, problem_item_keys, item_keys) for plan in plans
        ],
        "follow_up_cadences": [
            {
                "kind": cadence.kind,
                "frequency": cadence.frequency,
                "first_on": _date(cadence.first_on),
                "description": cadence.description,
            }
            for cadence in agreement.cadences.all()
        ],
        "indicators": [
            _indicator(indicator, focus_area_numbers, item_keys)
            for indicator in agreement.indicators.all()
        ],
        "follow_up_reports": [
            {
                "title": report.title,
                "period_start": _date(report.period_start),
                "period_end": _date(report.period_end),
                "status": report.status,
                "cooperation": report.cooperation,
                "implementation": report.implementation,
                "results": report.results,
                "summary": report.summary,
                "recipients": report.recipients,
                "finalised_on": _date(report.finalised_on),
                "snapshot": report.snapshot,
                **_report_assessment(report, item_keys),
            }
            for report in agreement.follow_up_reports.all()
        ],
        **exported_step_ticks(agreement),
    }


def _situation_report(report) -> dict:
    """The lägesbild the picture was built on, by reference (the key left out without one)."""
    if report is None:
        return {}
    reference = {"kommunkod": report.municipality.kommunkod, "adopted_on": _date(report.adopted_on)}
    return {"situation_report": {**reference, "title": report.title}}


def _report_assessment(report: FollowUpReport, item_keys: dict) -> dict:
    """The report's assessment of the parties and the activities, only when it has one (files
    of reports without read as before). Activities by their "plan.row" keys."""
    fulfilments = [
        {
            "organisation": organisation_key(fulfilment.party.organisation),
            "rating": fulfilment.rating,
            "comment": fulfilment.comment,
        }
        for fulfilment in report.fulfilments.all()
    ]
    assessments = [
        {
            "item": item_keys[assessment.item_id],
            "process": assessment.process,
            "effect": assessment.effect,
            "comment": assessment.comment,
        }
        for assessment in report.activity_assessments.all()
        if assessment.item_id in item_keys
    ]
    return {
        **({"fulfilments": fulfilments} if fulfilments else {}),
        **({"activity_assessments": assessments} if assessments else {}),
    }


def _problem_picture(picture):
    if picture is None:
        return None
    return {
        "title": picture.title,
        "drawn_up_on": _date(picture.drawn_up_on),
        "period_note": picture.period_note,
        "summary": picture.summary,
        **_situation_report(picture.situation_report),
        "sources": [
            {
                "kind": source.kind,
                "title": source.title,
                "description": source.description,
                "held_on": _date(source.held_on),
                "place": source.place,
                "people_reached": source.people_reached,
            }
            for source in picture.sources.all()
        ],
        "areas": [
            {
                "title": area.title,
                "items": [
                    {"text": item.text, "probable_causes": item.probable_causes}
                    for item in area.items.all()
                ],
            }
            for area in picture.areas.all()
        ],
    }


def _plan(plan: ActionPlan, focus_area_numbers: dict, problem_item_keys: dict, item_keys) -> dict:
    return {
        "title": plan.title,
        "municipality": organisation_key(plan.municipality),
        "layout": plan.layout,
        "introduction": plan.introduction,
        "table_heading": plan.table_heading,
        "period_text": plan.period_text,
        "starts_on": _date(plan.starts_on),
        "ends_on": _date(plan.ends_on),
        "renewal": plan.renewal,
        "year": plan.year,
        "items": [_item(item, focus_area_numbers, problem_item_keys) for item in plan.items.all()],
        **exported_adoptions(plan, item_keys),
    }


def _item(item: ActionItem, focus_area_numbers: dict, problem_item_keys: dict) -> dict:
    entries = list(item.follow_up_entries.all())
    entry_positions = {entry.pk: position for position, entry in enumerate(entries, start=1)}
    return {
        "focus_area": focus_area_numbers.get(item.focus_area_id),
        **({"group_heading": item.group_heading} if item.group_heading else {}),
        "goal": item.goal,
        "continues_goal_above": item.continues_goal_above,
        "activity": item.activity,
        "when_text": item.when_text,
        "starts_on": _date(item.starts_on),
        "ends_on": _date(item.ends_on),
        "due_on": _date(item.due_on),
        "recurrence": item.recurrence,
        "responsible_text": item.responsible_text,
        "communication": item.communication,
        # Brå's columns, only when written: files of other rows read as before.
        **{name: getattr(item, name) for name in BRA_ROW_FIELDS if getattr(item, name)},
        "status": item.status,
        "is_citizen_promise": item.is_citizen_promise,
        **({"carried_from_period": item.carried_from_period} if item.carried_from_period else {}),
        # The responsible person by username, only when one is named (docs/json-format.md).
        **(
            {"responsible_person": item.responsible_person.get_username()}
            if item.responsible_person
            else {}
        ),
        "nature": item.nature,
        "term": item.term,
        "problem_items": sorted(
            (problem_item_keys[problem.pk] for problem in item.problem_items.all()),
            key=lambda key: tuple(int(part) for part in key.split(".")),
        ),
        "responsibilities": [
            {
                "organisation": organisation_key(responsibility.organisation),
                "unit": responsibility.unit,
                "role": responsibility.role,
                "description": responsibility.description,
            }
            for responsibility in item.responsibilities.all()
        ],
        "follow_up_entries": [
            {
                "occurred_on": _date(entry.occurred_on),
                "what_was_done": entry.what_was_done,
                "participants": sorted(
                    (organisation_key(org) for org in entry.participants.all()),
                    key=lambda key: (key["kind"], key["name"]),
                ),
                "participant_units": entry.participant_units,
                "effect": entry.effect,
                "status": entry.status,
                "corrects": entry_positions.get(entry.corrects_id),
                "author_name": entry.author_name,
            }
            for entry in entries
        ],
        **_public_feedback(item),
    }


def _indicator(indicator: Indicator, focus_area_numbers: dict, item_keys: dict) -> dict:
    return {
        "focus_area": focus_area_numbers.get(indicator.focus_area_id),
        "item": item_keys.get(indicator.item_id),
        "name": indicator.name,
        "description": indicator.description,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline": _decimal(indicator.baseline),
        "baseline_on": _date(indicator.baseline_on),
        "target": _decimal(indicator.target),
        "target_on": _date(indicator.target_on),
        "measurements": [
            {
                "measured_on": _date(measurement.measured_on),
                "value": _decimal(measurement.value),
                "note": measurement.note,
            }
            for measurement in indicator.measurements.all()
        ],
    }
