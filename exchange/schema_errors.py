"""What is wrong with the shape of a document, in words a coordinator understands.

The document is checked against the JSON Schema before anything is built; each problem
becomes one line naming the agreement and the field ("Agreement 2 (strangnas-ny):
valid_from: …"). The objects themselves are built in `exchange/building.py`.
"""

import json
from functools import cache
from pathlib import Path

import jsonschema
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SCHEMA_DIRECTORY = Path(__file__).resolve().parent / "schema"
# Every format version the importer reads, each with its own schema; the export writes the
# newest. A version-1 file is checked against version 1's schema, so it reads as it always
# did, and a field new in version 2 is refused in it as unknown.
FORMAT_VERSIONS = (1, 2)
NEWEST_FORMAT_VERSION = FORMAT_VERSIONS[-1]


@cache
def schema(version: int = NEWEST_FORMAT_VERSION) -> dict:
    path = SCHEMA_DIRECTORY / f"agreements-v{version}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _schema_for(document) -> dict:
    """The schema of the document's format version; an unknown or missing version is
    checked against the newest, which names what is wrong with it."""
    version = document.get("format_version") if isinstance(document, dict) else None
    if version in FORMAT_VERSIONS and not isinstance(version, bool):
        return schema(version)
    return schema()


TYPE_NAMES = {
    "string": gettext_noop("text"),
    "integer": gettext_noop("integer"),
    "number": gettext_noop("number"),
    "boolean": gettext_noop("true or false"),
    "object": gettext_noop("object"),
    "array": gettext_noop("list"),
    "null": gettext_noop("null"),
}


def schema_messages(document) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        _schema_for(document), format_checker=jsonschema.FormatChecker()
    )
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


def null_character_messages(document) -> list[str]:
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
        return agreement_label(path[1] + 1, data) + (f": {field}: " if field else ": ")
    field = _field_path(path)
    return f"{field}: " if field else ""


def agreement_label(number: int, data) -> str:
    """How every message about an agreement in the document begins."""
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
        case "const" if list(error.absolute_path) == ["format_version"]:
            return _("unknown value %(value)s; allowed values: %(allowed)s") % {
                "value": json.dumps(value, ensure_ascii=False),
                "allowed": ", ".join(map(str, FORMAT_VERSIONS)),
            }
        case "const":
            return _("must be %(value)s") % {"value": json.dumps(error.validator_value)}
        case "format" | "pattern" if error.validator_value == "date-time" or "T[0-9]{2}" in str(
            error.validator_value
        ):
            return _("%(value)s is not a valid date and time (YYYY-MM-DDTHH:MM:SS+01:00)") % {
                "value": json.dumps(value, ensure_ascii=False)
            }
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
