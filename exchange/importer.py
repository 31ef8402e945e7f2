"""Create agreements from a JSON document of format version 1, all or nothing.

The document is first checked against the JSON Schema; then every object is built, checked
by the model's own validation (field lengths, constraints, clean()) and saved inside one
transaction. Any problem rolls the whole import back and is reported as "agreement, field,
what is wrong", in the user's language.
"""

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from actionplans.models import ActionItem, ActionPlan, Responsibility
from agreements.models import (
    Agreement,
    FocusArea,
    Party,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
)
from followup.models import (
    FollowUpCadence,
    FollowUpEntry,
    FollowUpReport,
    Indicator,
    Measurement,
)
from organisations.models import Organisation

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "agreements-v1.schema.json"


class DocumentError(Exception):
    """The document cannot be imported; `messages` says where and why."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# Far above a backup of every agreement in the JSON format (a few hundred kB each).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def load_file(path) -> dict:
    try:
        if Path(path).stat().st_size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                [
                    _("%(path)s is larger than %(size)s MB: not an agreement document.")
                    % {"path": path, "size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
                ]
            )
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except OSError as error:
        raise DocumentError(
            [_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}]
        ) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DocumentError(
            [_("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}]
        ) from error
    except RecursionError:
        raise DocumentError(
            [_("%(path)s is nested too deeply: not an agreement document.") % {"path": path}]
        ) from None


def import_document(document) -> list[Agreement]:
    """Validate the whole document, then create its agreements in one transaction."""
    try:
        schema_errors = _schema_messages(document) or _null_character_messages(document)
    except RecursionError:
        raise DocumentError(
            [_("The document is nested too deeply: not an agreement document.")]
        ) from None
    if schema_errors:
        raise DocumentError(schema_errors)
    with transaction.atomic():
        builders = [
            _AgreementBuilder(number, data)
            for number, data in enumerate(document["agreements"], start=1)
        ]
        agreements = [builder.build() for builder in builders]
        messages = [message for builder in builders for message in builder.messages]
        if messages:
            transaction.set_rollback(True)
            raise DocumentError(messages)
    return agreements


# --- Schema errors, told in words a coordinator understands -------------------------------

TYPE_NAMES = {
    "string": gettext_noop("text"),
    "integer": gettext_noop("integer"),
    "number": gettext_noop("number"),
    "boolean": gettext_noop("true or false"),
    "object": gettext_noop("object"),
    "array": gettext_noop("list"),
    "null": gettext_noop("null"),
}


def _schema_messages(document) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    messages = []
    for error in sorted(
        validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
    ):
        error = _deepest(error)
        path = list(error.absolute_path)
        if error.validator == "required":
            # Name the missing field itself, as for any other field.
            messages += [
                _where(document, [*path, name]) + _("is missing")
                for name in error.validator_value
                if name not in error.instance
            ]
        else:
            messages.append(_where(document, path) + _explain(error))
    return messages


def _null_character_messages(document) -> list[str]:
    """Text with a NUL character: valid JSON, but PostgreSQL cannot store it."""
    messages = []
    pending = [([], document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and "\x00" in value:
            messages.append(_where(document, path) + _("Null characters are not allowed."))
        elif isinstance(value, dict):
            pending += [([*path, key], item) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [([*path, number], item) for number, item in enumerate(value)]
    return sorted(messages)


def _deepest(error):
    """For a failed oneOf/anyOf, the alternative that came closest is the helpful one,
    unless every alternative failed on the value's type or on a missing field: then the
    alternatives together are the answer."""
    while error.context:
        at_top = [sub for sub in error.context if not sub.relative_path]
        if at_top and len(at_top) == len(error.context):
            if all(sub.validator == "type" for sub in at_top):
                error.validator = "type"
                error.validator_value = [sub.validator_value for sub in at_top]
                return error
            if all(sub.validator == "required" for sub in at_top):
                error.validator = "one_of_required"
                error.validator_value = [name for sub in at_top for name in sub.validator_value]
                return error
        error = jsonschema.exceptions.best_match(error.context)
    return error


def _where(document, path) -> str:
    if len(path) >= 2 and path[0] == "agreements" and isinstance(path[1], int):
        data = document["agreements"][path[1]]
        field = _field_path(path[2:])
        return _label(path[1] + 1, data) + (f": {field}: " if field else ": ")
    field = _field_path(path)
    return f"{field}: " if field else ""


def _label(number: int, data) -> str:
    name = ""
    if isinstance(data, dict):
        name = data.get("reference") or data.get("title") or ""
    if isinstance(name, str) and name:
        return _("Agreement %(number)s (%(name)s)") % {"number": number, "name": name}
    return _("Agreement %(number)s") % {"number": number}


def _field_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _explain(error) -> str:
    value = error.instance
    match error.validator:
        case "type":
            wanted = error.validator_value
            wanted = wanted if isinstance(wanted, list) else [wanted]
            wanted = list(dict.fromkeys(_flatten(wanted)))
            names = " / ".join(_(TYPE_NAMES.get(name, name)) for name in wanted)
            return _("must be %(types)s, not %(value)s") % {
                "types": names,
                "value": json.dumps(value, ensure_ascii=False),
            }
        case "enum":
            allowed = ", ".join(
                json.dumps(choice, ensure_ascii=False) for choice in error.validator_value
            )
            return _("unknown value %(value)s; allowed values: %(allowed)s") % {
                "value": json.dumps(value, ensure_ascii=False),
                "allowed": allowed,
            }
        case "const":
            return _("must be %(value)s") % {"value": json.dumps(error.validator_value)}
        case "format" | "pattern" if error.validator_value == "date" or "[0-9]{4}-" in str(
            error.validator_value
        ):
            return _("%(value)s is not a valid date (YYYY-MM-DD)") % {
                "value": json.dumps(value, ensure_ascii=False)
            }
        case "pattern":
            return _("%(value)s does not have the required form") % {
                "value": json.dumps(value, ensure_ascii=False)
            }
        case "additionalProperties":
            extra = sorted(set(value) - set(error.schema.get("properties", {})))
            return _("unknown field %(field)s") % {"field": ", ".join(extra)}
        case "minLength":
            return _("must not be empty")
        case "maxLength":
            return _("is too long (at most %(max)s characters)") % {"max": error.validator_value}
        case "minimum":
            return _("must be at least %(min)s") % {"min": error.validator_value}
        case "maximum":
            return _("must be at most %(max)s") % {"max": error.validator_value}
        case "minItems":
            return _("must have at least %(count)s entries") % {"count": error.validator_value}
        case "not":
            return _("only a municipality has a kommunkod")
        case "one_of_required":
            return _("give %(fields)s") % {"fields": " / ".join(error.validator_value)}
    return error.message


def _flatten(values):
    for value in values:
        if isinstance(value, list):
            yield from _flatten(value)
        else:
            yield value


# --- Building the objects -----------------------------------------------------------------


class _AgreementBuilder:
    """Creates one agreement and everything in it, collecting what is wrong on the way."""

    def __init__(self, number: int, data: dict):
        self.number = number
        self.data = data
        self.messages: list[str] = []
        self.label = _label(number, data)
        self.organisations: dict[str, Organisation | None] = {}

    # Each object is checked by the model before it is saved, so that the message names
    # the field; the check constraints are checked again by the database on save.
    def save(self, instance, path: str, exclude=(), validate_unique=False):
        try:
            instance.full_clean(exclude=list(exclude), validate_unique=validate_unique)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                where = (
                    path if field == NON_FIELD_ERRORS else (f"{path}.{field}" if path else field)
                )
                for message in errors:
                    self.error(where, message)
            return None
        instance.save()
        return instance

    def error(self, path: str, message: str):
        self.messages.append(
            f"{self.label}: {path}: {message}" if path else f"{self.label}: {message}"
        )

    def build(self) -> Agreement | None:
        data = self.data
        agreement = self.save(
            Agreement(
                reference=data["reference"],
                title=data["title"],
                subtitle=data.get("subtitle", ""),
                status=lifecycle_status(data),
                version=data.get("version", 1),
                cycle_step=data.get("cycle_step", 1),
                valid_from=_date(data.get("valid_from")),
                valid_until=_date(data.get("valid_until")),
                renewal_rule=data.get("renewal_rule", "fixed_end"),
                extension_max_years=data.get("extension_max_years"),
                validity_note=data.get("validity_note", ""),
                terminated_on=_date(data.get("terminated_on")),
            ),
            "",
            validate_unique=True,
        )
        if agreement is None:
            return None
        self.agreement = agreement
        self.parties = self._parties(data["parties"])
        for position, section in enumerate(data.get("sections", []), start=1):
            self.save(
                Section(
                    agreement=agreement,
                    position=position,
                    heading=section.get("heading", ""),
                    body=section.get("body", ""),
                    embed=section.get("embed", ""),
                ),
                f"sections[{position - 1}]",
            )
        self._signatories(data.get("signatories", []))
        self.problem_items = self._problem_picture(data.get("problem_picture"))
        self.focus_areas = [
            self.save(
                FocusArea(
                    agreement=agreement,
                    position=position,
                    title=area["title"],
                    category=area.get("category", ""),
                    background=area.get("background", ""),
                    goals=area.get("goals", ""),
                    footnotes=area.get("footnotes", ""),
                ),
                f"focus_areas[{position - 1}]",
            )
            for position, area in enumerate(data.get("focus_areas", []), start=1)
        ]
        self.items = {}
        for position, plan in enumerate(data.get("action_plans", []), start=1):
            self._plan(position, plan)
        for position, indicator in enumerate(data.get("indicators", []), start=1):
            self._indicator(position, indicator)
        for position, cadence in enumerate(data.get("follow_up_cadences", []), start=1):
            self.save(
                FollowUpCadence(
                    agreement=agreement,
                    kind=cadence["kind"],
                    frequency=cadence["frequency"],
                    first_on=_date(cadence["first_on"]),
                    description=cadence.get("description", ""),
                ),
                f"follow_up_cadences[{position - 1}]",
            )
        for position, report in enumerate(data.get("follow_up_reports", []), start=1):
            self.save(
                FollowUpReport(
                    agreement=agreement,
                    title=report["title"],
                    period_start=_date(report["period_start"]),
                    period_end=_date(report["period_end"]),
                    status=report.get("status", "draft"),
                    cooperation=report.get("cooperation", ""),
                    implementation=report.get("implementation", ""),
                    results=report.get("results", ""),
                    summary=report.get("summary", ""),
                    recipients=report.get("recipients", ""),
                    finalised_on=_date(report.get("finalised_on")),
                    snapshot=report.get("snapshot"),
                ),
                f"follow_up_reports[{position - 1}]",
            )
        return agreement

    def organisation(self, key: dict, path: str) -> Organisation | None:
        """Find the organisation by natural key, or create it from the document's fields.

        The same few organisations appear on every row: each is looked up once."""
        cache_key = json.dumps(key, sort_keys=True)
        if cache_key not in self.organisations:
            self.organisations[cache_key] = self._find_or_create_organisation(key, path)
        return self.organisations[cache_key]

    def _find_or_create_organisation(self, key: dict, path: str) -> Organisation | None:
        if key.get("kommunkod"):
            found = Organisation.objects.filter(kommunkod=key["kommunkod"]).first()
            if found is not None:
                return found
        else:
            found = Organisation.objects.filter(kind=key["kind"], name=key["name"]).first()
            if found is not None:
                return found
        parent = None
        if key.get("parent"):
            parent = self.organisation(key["parent"], f"{path}.parent")
            if parent is None:
                return None
        return self.save(
            Organisation(
                kind=key["kind"], name=key["name"], kommunkod=key.get("kommunkod"), parent=parent
            ),
            path,
            validate_unique=True,
        )

    def _parties(self, parties: list) -> dict:
        by_organisation = {}
        for position, party in enumerate(parties, start=1):
            path = f"parties[{position - 1}]"
            organisation = self.organisation(party["organisation"], f"{path}.organisation")
            if organisation is None:
                continue
            if organisation.pk in by_organisation:
                self.error(path, _("%(name)s is a party more than once") % {"name": organisation})
                continue
            by_organisation[organisation.pk] = self.save(
                Party(
                    agreement=self.agreement,
                    organisation=organisation,
                    position=position,
                    role=party.get("role", "party"),
                    label=party.get("label", ""),
                ),
                path,
            )
        return by_organisation

    def party_for(self, key: dict, path: str) -> Party | None:
        organisation = self.organisation(key, path)
        if organisation is None:
            return None
        if organisation.pk not in self.parties:
            self.error(path, _("%(name)s is not a party to the agreement") % {"name": organisation})
            return None
        return self.parties[organisation.pk]

    def _signatories(self, signatories: list):
        for position, signatory in enumerate(signatories, start=1):
            path = f"signatories[{position - 1}]"
            party = self.party_for(signatory["organisation"], f"{path}.organisation")
            if party is None:
                continue
            self.save(
                Signatory(
                    agreement=self.agreement,
                    party=party,
                    position=position,
                    name=signatory["name"],
                    title=signatory.get("title", ""),
                    place=signatory.get("place", ""),
                    signed_on=_date(signatory.get("signed_on")),
                ),
                path,
            )

    def _problem_picture(self, data) -> dict:
        """Create the problem picture; returns its items by their 'area.item' key."""
        items = {}
        if data is None:
            return items
        picture = self.save(
            ProblemPicture(
                agreement=self.agreement,
                title=data.get("title", ""),
                drawn_up_on=_date(data.get("drawn_up_on")),
                period_note=data.get("period_note", ""),
                summary=data.get("summary", ""),
            ),
            "problem_picture",
        )
        if picture is None:
            return items
        for position, source in enumerate(data.get("sources", []), start=1):
            self.save(
                ProblemSource(
                    problem_picture=picture,
                    position=position,
                    kind=source["kind"],
                    title=source["title"],
                    description=source.get("description", ""),
                    held_on=_date(source.get("held_on")),
                    place=source.get("place", ""),
                    people_reached=source.get("people_reached"),
                ),
                f"problem_picture.sources[{position - 1}]",
            )
        for area_position, area_data in enumerate(data.get("areas", []), start=1):
            path = f"problem_picture.areas[{area_position - 1}]"
            area = self.save(
                ProblemArea(
                    problem_picture=picture, position=area_position, title=area_data["title"]
                ),
                path,
            )
            if area is None:
                continue
            for item_position, item in enumerate(area_data.get("items", []), start=1):
                items[f"{area_position}.{item_position}"] = self.save(
                    ProblemItem(
                        area=area,
                        position=item_position,
                        text=item["text"],
                        probable_causes=item.get("probable_causes", ""),
                    ),
                    f"{path}.items[{item_position - 1}]",
                )
        return items

    def focus_area_at(self, number, path: str) -> FocusArea | None:
        if number is None:
            return None
        if number > len(self.focus_areas):
            self.error(
                path,
                _("there is no focus area %(number)s (the agreement has %(count)s)")
                % {"number": number, "count": len(self.focus_areas)},
            )
            return None
        return self.focus_areas[number - 1]

    def _plan(self, plan_position: int, data: dict):
        path = f"action_plans[{plan_position - 1}]"
        municipality = None
        if data.get("municipality"):
            party = self.party_for(data["municipality"], f"{path}.municipality")
            if party is None:
                return
            municipality = party.organisation
        plan = self.save(
            ActionPlan(
                agreement=self.agreement,
                municipality=municipality,
                position=plan_position,
                title=data["title"],
                layout=data.get("layout", "goal_activity_when_responsible"),
                introduction=data.get("introduction", ""),
                table_heading=data.get("table_heading", ""),
                period_text=data.get("period_text", ""),
                starts_on=_date(data.get("starts_on")),
                ends_on=_date(data.get("ends_on")),
            ),
            path,
        )
        if plan is None:
            return
        for item_position, item_data in enumerate(data.get("items", []), start=1):
            item_path = f"{path}.items[{item_position - 1}]"
            item = self.save(
                ActionItem(
                    plan=plan,
                    position=item_position,
                    focus_area=self.focus_area_at(
                        item_data.get("focus_area"), f"{item_path}.focus_area"
                    ),
                    goal=item_data.get("goal", ""),
                    continues_goal_above=item_data.get("continues_goal_above", False),
                    activity=item_data["activity"],
                    when_text=item_data.get("when_text", ""),
                    starts_on=_date(item_data.get("starts_on")),
                    ends_on=_date(item_data.get("ends_on")),
                    due_on=_date(item_data.get("due_on")),
                    recurrence=item_data.get("recurrence", ""),
                    responsible_text=item_data.get("responsible_text", ""),
                    communication=item_data.get("communication", ""),
                    status=item_data.get("status", "not_started"),
                    is_citizen_promise=item_data.get("is_citizen_promise", False),
                    nature=item_data.get("nature", ""),
                    term=item_data.get("term", ""),
                ),
                item_path,
            )
            if item is None:
                continue
            self.items[f"{plan_position}.{item_position}"] = item
            self._item_children(item, item_data, item_path)

    def _item_children(self, item: ActionItem, data: dict, path: str):
        problems = []
        for index, key in enumerate(data.get("problem_items", [])):
            if key not in self.problem_items:
                self.error(
                    f"{path}.problem_items[{index}]",
                    _("there is no problem item %(key)s in the problem picture") % {"key": key},
                )
            elif self.problem_items[key] is not None:
                problems.append(self.problem_items[key])
        item.problem_items.set(problems)
        for position, responsibility in enumerate(data.get("responsibilities", []), start=1):
            responsibility_path = f"{path}.responsibilities[{position - 1}]"
            organisation = None
            if responsibility.get("organisation"):
                organisation = self.organisation(
                    responsibility["organisation"], f"{responsibility_path}.organisation"
                )
            self.save(
                Responsibility(
                    item=item,
                    position=position,
                    organisation=organisation,
                    unit=responsibility.get("unit", ""),
                    role=responsibility.get("role", ""),
                    description=responsibility.get("description", ""),
                ),
                responsibility_path,
            )
        entries = []
        for position, entry_data in enumerate(data.get("follow_up_entries", []), start=1):
            entry_path = f"{path}.follow_up_entries[{position - 1}]"
            corrects = entry_data.get("corrects")
            if corrects is not None and corrects >= position:
                self.error(
                    f"{entry_path}.corrects",
                    _("an entry can only correct an earlier entry of the same item"),
                )
                corrects = None
            entry = self.save(
                FollowUpEntry(
                    item=item,
                    occurred_on=_date(entry_data["occurred_on"]),
                    what_was_done=entry_data["what_was_done"],
                    participant_units=entry_data.get("participant_units", ""),
                    effect=entry_data.get("effect", ""),
                    status=entry_data["status"],
                    corrects=entries[corrects - 1] if corrects else None,
                    author_name=entry_data.get("author_name", ""),
                ),
                entry_path,
            )
            entries.append(entry)
            if entry is not None:
                participants = [
                    self.organisation(key, f"{entry_path}.participants[{index}]")
                    for index, key in enumerate(entry_data.get("participants", []))
                ]
                entry.participants.set([org for org in participants if org is not None])

    def _indicator(self, position: int, data: dict):
        path = f"indicators[{position - 1}]"
        item = None
        if data.get("item"):
            item = self.items.get(data["item"])
            if item is None:
                self.error(
                    f"{path}.item", _("there is no action item %(key)s") % {"key": data["item"]}
                )
                return
        indicator = self.save(
            Indicator(
                agreement=self.agreement,
                position=position,
                focus_area=self.focus_area_at(data.get("focus_area"), f"{path}.focus_area"),
                item=item,
                name=data["name"],
                description=data.get("description", ""),
                unit=data.get("unit", ""),
                direction=data.get("direction", "increase"),
                baseline=_decimal(data.get("baseline")),
                baseline_on=_date(data.get("baseline_on")),
                target=_decimal(data.get("target")),
                target_on=_date(data.get("target_on")),
            ),
            path,
        )
        if indicator is None:
            return
        for index, measurement in enumerate(data.get("measurements", [])):
            self.save(
                Measurement(
                    indicator=indicator,
                    measured_on=_date(measurement["measured_on"]),
                    value=_decimal(measurement["value"]),
                    note=measurement.get("note", ""),
                ),
                f"{path}.measurements[{index}]",
                validate_unique=True,
            )


def _date(value):
    return date.fromisoformat(value) if value else None


def _decimal(value):
    return None if value is None else Decimal(value)


# Files written before the status was only the lifecycle carry the calendar's word for it.
CALENDAR_STATUSES = ("active", "expiring", "expired")


def lifecycle_status(data: dict) -> str:
    """The stored lifecycle of an agreement in a file: a signed one of an older file said
    where it stood in its period (active, expiring, expired), which is computed now."""
    status = data.get("status", "draft")
    if status in CALENDAR_STATUSES:
        status = "signed"
    if status == "signed" and data.get("terminated_on"):
        status = "terminated"
    return status
