"""Create agreements from a JSON document of format version 1 or 2, all or nothing.

The document is first checked against the JSON Schema (`exchange/schema_errors.py` words
what is wrong); then every object is built, checked by the model's own validation (field
lengths, constraints, clean()) and saved inside one transaction (`exchange/building.py`,
one function per part of the document). Any problem rolls the whole import back and is
reported as "agreement, field, what is wrong", in the user's language.
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Agreement

from .building import build_agreement, lifecycle_status, link_to_other_agreements
from .schema_errors import null_character_messages, schema, schema_messages

# What other modules and the tests use of the importer.
__all__ = [
    "MAX_DOCUMENT_BYTES",
    "DocumentError",
    "import_document",
    "lifecycle_status",
    "load_file",
    "schema",
]


class DocumentError(Exception):
    """The document cannot be imported; `messages` says where and why."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


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
        schema_errors = schema_messages(document) or null_character_messages(document)
    except RecursionError:
        raise DocumentError(
            [_("The document is nested too deeply: not an agreement document.")]
        ) from None
    if schema_errors:
        raise DocumentError(schema_errors)
    with transaction.atomic():
        agreements, messages = [], []
        for number, data in enumerate(document["agreements"], start=1):
            agreement, agreement_messages = build_agreement(number, data)
            agreements.append(agreement)
            messages += agreement_messages
        # Once all are there: an agreement may come before the one it is part of.
        for number, (data, agreement) in enumerate(
            zip(document["agreements"], agreements, strict=True), start=1
        ):
            if agreement is not None and (data.get("part_of") or data.get("follows")):
                messages += link_to_other_agreements(number, data, agreement)
        if messages:
            transaction.set_rollback(True)
            raise DocumentError(messages)
    return agreements
