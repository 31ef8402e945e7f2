"""The action plans of a document, their rows and what hangs on a row: the problem items
it answers, its responsibilities, its follow-up entries and its feedback to citizens."""

from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ActionPlan, PlanAdoption, Responsibility
from followup.models import FollowUpEntry

from .base import AgreementBuild, given
from .followup import public_feedback

PLAN_FIELDS = (
    "title",
    "layout",
    "introduction",
    "table_heading",
    "period_text",
    "starts_on",
    "ends_on",
    "renewal",
    "year",
)
ROW_FIELDS = (
    "group_heading",
    "goal",
    "continues_goal_above",
    "activity",
    "when_text",
    "starts_on",
    "ends_on",
    "due_on",
    "recurrence",
    "responsible_text",
    "communication",
    "cause",
    "contact",
    "follow_up_text",
    "status",
    "is_citizen_promise",
    "carried_from_period",
    "nature",
    "term",
)


def action_plans(build: AgreementBuild):
    for position, plan in enumerate(build.data.get("action_plans", []), start=1):
        _plan(build, position, plan)


def _plan(build: AgreementBuild, plan_position: int, data: dict):
    path = f"action_plans[{plan_position - 1}]"
    municipality = None
    if data.get("municipality"):
        party = build.party_for(data["municipality"], f"{path}.municipality")
        if party is None:
            return
        municipality = party.organisation
    plan = build.save(
        ActionPlan(
            agreement=build.agreement,
            municipality=municipality,
            position=plan_position,
            **given(ActionPlan, data, *PLAN_FIELDS),
        ),
        path,
    )
    if plan is None:
        return
    for row_position, row_data in enumerate(data.get("items", []), start=1):
        row_path = f"{path}.items[{row_position - 1}]"
        row = build.save(
            ActionItem(
                plan=plan,
                position=row_position,
                focus_area=build.focus_area_at(
                    row_data.get("focus_area"), f"{row_path}.focus_area"
                ),
                **given(ActionItem, row_data, *ROW_FIELDS),
            ),
            row_path,
        )
        if row is None:
            continue
        build.items[f"{plan_position}.{row_position}"] = row
        _row_problem_items(build, row, row_data, row_path)
        _responsibilities(build, row, row_data, row_path)
        _responsible_person(row, row_data)
        _follow_up_entries(build, row, row_data, row_path)
        public_feedback(build, row, row_data, row_path)
    _adoptions(build, plan, plan_position, data.get("adoptions", []), path)


def _adoptions(build: AgreementBuild, plan: ActionPlan, plan_position: int, adoptions, path):
    """The plan's adopted versions, each row as adopted pointing at its row here again (a
    row removed since points nowhere); the latest becomes the plan's."""
    latest, numbers = None, set()
    for index, data in enumerate(adoptions):
        adoption_path = f"{path}.adoptions[{index}]"
        if data["number"] in numbers:
            build.error(
                f"{adoption_path}.number",
                _("two adoptions of the plan have number %(number)s") % {"number": data["number"]},
            )
            continue
        numbers.add(data["number"])
        rows = []
        for row in data.get("rows", []):
            key = row.get("item") or ""
            item = build.items.get(key) if key.startswith(f"{plan_position}.") else None
            rows.append(
                {"id": item.pk if item else None, **{k: v for k, v in row.items() if k != "item"}}
            )
        recorded = {}
        if data.get("recorded_at"):
            field = PlanAdoption._meta.get_field("created_at")
            recorded["created_at"] = field.to_python(data["recorded_at"])
        adoption = build.save(
            PlanAdoption(
                plan=plan,
                snapshot={"plan": data.get("plan", {}), "rows": rows},
                **given(PlanAdoption, data, "number", "adopted_on", "body", "reference_number"),
                **recorded,
            ),
            adoption_path,
        )
        if adoption is not None and (latest is None or adoption.number > latest.number):
            latest = adoption
    if latest is not None:
        ActionPlan.objects.filter(pk=plan.pk).update(latest_adoption=latest)
        plan.latest_adoption = latest


def _responsible_person(row: ActionItem, data: dict):
    """The row's responsible person, by username, when this installation has that user and
    they are a member of one of the row's responsible organisations who may log follow-up
    on its plan (ActionItem.eligible_people); else no one (a file from elsewhere names
    people this installation may not know)."""
    username = data.get("responsible_person")
    if not username:
        return
    person = row.eligible_people().filter(username=username).first()
    if person is not None:
        row.responsible_person = person
        row.save(update_fields=["responsible_person"])


def _row_problem_items(build: AgreementBuild, row: ActionItem, data: dict, path: str):
    problems = []
    for index, key in enumerate(data.get("problem_items", [])):
        if key not in build.problem_items:
            build.error(
                f"{path}.problem_items[{index}]",
                _("there is no problem item %(key)s in the problem picture") % {"key": key},
            )
        elif build.problem_items[key] is not None:
            problems.append(build.problem_items[key])
    row.problem_items.set(problems)


def _responsibilities(build: AgreementBuild, row: ActionItem, data: dict, path: str):
    for position, responsibility in enumerate(data.get("responsibilities", []), start=1):
        responsibility_path = f"{path}.responsibilities[{position - 1}]"
        organisation = None
        if responsibility.get("organisation"):
            organisation = build.organisation(
                responsibility["organisation"], f"{responsibility_path}.organisation"
            )
        build.save(
            Responsibility(
                item=row,
                position=position,
                organisation=organisation,
                **given(Responsibility, responsibility, "unit", "role", "description"),
            ),
            responsibility_path,
        )


def _follow_up_entries(build: AgreementBuild, row: ActionItem, data: dict, path: str):
    entries = []
    for position, entry_data in enumerate(data.get("follow_up_entries", []), start=1):
        entry_path = f"{path}.follow_up_entries[{position - 1}]"
        corrects = entry_data.get("corrects")
        if corrects is not None and corrects >= position:
            build.error(
                f"{entry_path}.corrects",
                _("an entry can only correct an earlier entry of the same item"),
            )
            corrects = None
        entry = build.save(
            FollowUpEntry(
                item=row,
                corrects=entries[corrects - 1] if corrects else None,
                **given(
                    FollowUpEntry,
                    entry_data,
                    "occurred_on",
                    "what_was_done",
                    "participant_units",
                    "effect",
                    "status",
                    "author_name",
                ),
            ),
            entry_path,
        )
        entries.append(entry)
        if entry is not None:
            participants = [
                build.organisation(key, f"{entry_path}.participants[{index}]")
                for index, key in enumerate(entry_data.get("participants", []))
            ]
            entry.participants.set([org for org in participants if org is not None])
