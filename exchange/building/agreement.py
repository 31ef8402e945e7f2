"""The parts of a document that belong to the agreement itself: its facts, parties,
sections, signatories, problem picture, overall goals and focus areas."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementStatus,
    FocusArea,
    OverallGoal,
    Party,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
)
from prevention.models import SituationReport

from .base import AgreementBuild, given

# The file's "follow_up_arrangement" object: its keys and the agreement's fields.
FOLLOW_UP_FIELDS = {
    "followed_up_by": "follow_up_by",
    "how_often": "follow_up_how_often",
    "reported_to": "follow_up_reported_to",
    "published": "follow_up_published",
}
FOLLOW_UP_KEYS = tuple(FOLLOW_UP_FIELDS.values())

# Files written before the status was only the lifecycle carry the calendar's word for it.
CALENDAR_STATUSES = ("active", "expiring", "expired")


def lifecycle_status(data: dict) -> str:
    """The stored lifecycle of an agreement in a file: a signed one of an older file said
    where it stood in its period (active, expiring, expired), which is computed now."""
    status = data.get("status", AgreementStatus.DRAFT)
    if status in CALENDAR_STATUSES:
        status = AgreementStatus.SIGNED
    if status == AgreementStatus.SIGNED and data.get("terminated_on"):
        status = AgreementStatus.TERMINATED
    return status


def agreement_facts(build: AgreementBuild) -> Agreement | None:
    facts = given(
        Agreement,
        build.data,
        "reference",
        "title",
        "subtitle",
        "kind",
        "version",
        "cycle_step",
        "valid_from",
        "valid_until",
        "renewal_rule",
        "extension_max_years",
        "first_year",
        "last_year",
        "length_years",
        "validity_note",
        "overall_goals_heading",
        "terminated_on",
    )
    arrangement = build.data.get("follow_up_arrangement") or {}
    facts.update(
        given(
            Agreement,
            {FOLLOW_UP_FIELDS[k]: v for k, v in arrangement.items() if k in FOLLOW_UP_FIELDS},
            *FOLLOW_UP_KEYS,
        )
    )
    return build.save(
        Agreement(status=lifecycle_status(build.data), **facts), "", validate_unique=True
    )


def link_part_of(build: AgreementBuild, agreement: Agreement):
    """A citizen promise's `part_of` names its cooperation agreement by reference: linked
    when that agreement exists (in the database or earlier or later in the same file),
    checked as the model checks it; a file without its agreement imports the promise
    alone."""
    reference = build.data.get("part_of")
    if not reference:
        return
    parent = Agreement.objects.filter(reference=reference).first()
    if parent is None:
        return
    agreement.part_of = parent
    try:
        agreement.full_clean(validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                build.error(field, message)
        return
    # Only the link: the parts built after the facts may have changed the agreement's row.
    agreement.save(update_fields=["part_of"])


def link_follows(build: AgreementBuild, agreement: Agreement):
    """`follows` names the agreement of the period before (of the same kind) by reference:
    linked as `part_of` is, when that one exists; each has one next one."""
    reference = build.data.get("follows")
    if not reference:
        return
    earlier = Agreement.objects.filter(reference=reference).first()
    if earlier is None:
        return
    agreement.follows = earlier
    try:
        agreement.full_clean(validate_unique=False)
        if Agreement.objects.filter(follows=earlier).exclude(pk=agreement.pk).exists():
            message = (
                _("%(reference)s is already followed by another citizen promise.")
                if agreement.is_citizen_promise
                else _("%(reference)s is already followed by another agreement.")
            )
            raise ValidationError({"follows": message % {"reference": reference}})
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                build.error(field, message)
        return
    agreement.save(update_fields=["follows"])


def parties(build: AgreementBuild):
    for position, party in enumerate(build.data["parties"], start=1):
        path = f"parties[{position - 1}]"
        organisation = build.organisation(party["organisation"], f"{path}.organisation")
        if organisation is None:
            continue
        if organisation.pk in build.parties:
            build.error(path, _("%(name)s is a party more than once") % {"name": organisation})
            continue
        build.parties[organisation.pk] = build.save(
            Party(
                agreement=build.agreement,
                organisation=organisation,
                position=position,
                **given(Party, party, "name", "role", "label"),
            ),
            path,
        )


def sections(build: AgreementBuild):
    for position, section in enumerate(build.data.get("sections", []), start=1):
        build.save(
            Section(
                agreement=build.agreement,
                position=position,
                **given(Section, section, "heading", "body", "embed"),
            ),
            f"sections[{position - 1}]",
        )


def signatories(build: AgreementBuild):
    for position, signatory in enumerate(build.data.get("signatories", []), start=1):
        path = f"signatories[{position - 1}]"
        party = build.party_for(signatory["organisation"], f"{path}.organisation")
        if party is None:
            continue
        build.save(
            Signatory(
                agreement=build.agreement,
                party=party,
                position=position,
                **given(Signatory, signatory, "name", "title", "place", "signed_on"),
            ),
            path,
        )


# --- The problem picture and the focus areas ----------------------------------------------


def situation_report_of(reference: dict | None) -> SituationReport | None:
    """The municipality's lägesbild a file's problem picture names (kommunkod, adopted_on,
    title), when this database has it; else none: the lägesbild is the municipality's own
    document, which an agreement's file refers to but does not carry."""
    if not reference:
        return None
    try:
        adopted_on = date.fromisoformat(reference["adopted_on"])
    except ValueError:
        return None
    reports = SituationReport.objects.filter(
        municipality__kommunkod=reference["kommunkod"], adopted_on=adopted_on
    ).order_by("-pk")
    if reference.get("title"):
        return reports.filter(title=reference["title"]).first() or reports.first()
    return reports.first()


def problem_picture(build: AgreementBuild):
    data = build.data.get("problem_picture")
    if data is None:
        return
    picture = build.save(
        ProblemPicture(
            agreement=build.agreement,
            **given(ProblemPicture, data, "title", "drawn_up_on", "period_note", "summary"),
            situation_report=situation_report_of(data.get("situation_report")),
        ),
        "problem_picture",
    )
    if picture is None:
        return
    for position, source in enumerate(data.get("sources", []), start=1):
        build.save(
            ProblemSource(
                problem_picture=picture,
                position=position,
                **given(
                    ProblemSource,
                    source,
                    "kind",
                    "title",
                    "description",
                    "held_on",
                    "place",
                    "people_reached",
                ),
            ),
            f"problem_picture.sources[{position - 1}]",
        )
    for area_position, area_data in enumerate(data.get("areas", []), start=1):
        _problem_area(build, picture, area_position, area_data)


def _problem_area(build: AgreementBuild, picture, area_position: int, data: dict):
    path = f"problem_picture.areas[{area_position - 1}]"
    area = build.save(
        ProblemArea(problem_picture=picture, position=area_position, title=data["title"]), path
    )
    if area is None:
        return
    for item_position, item in enumerate(data.get("items", []), start=1):
        build.problem_items[f"{area_position}.{item_position}"] = build.save(
            ProblemItem(
                area=area,
                position=item_position,
                **given(ProblemItem, item, "text", "probable_causes"),
            ),
            f"{path}.items[{item_position - 1}]",
        )


def overall_goals(build: AgreementBuild):
    for position, goal in enumerate(build.data.get("overall_goals", []), start=1):
        build.save(
            OverallGoal(agreement=build.agreement, position=position, text=goal["text"]),
            f"overall_goals[{position - 1}]",
        )


def focus_areas(build: AgreementBuild):
    build.focus_areas = [
        build.save(
            FocusArea(
                agreement=build.agreement,
                position=position,
                **given(FocusArea, area, "title", "category", "background", "goals", "footnotes"),
            ),
            f"focus_areas[{position - 1}]",
        )
        for position, area in enumerate(build.data.get("focus_areas", []), start=1)
    ]
