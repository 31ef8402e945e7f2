"""What the import of one agreement has made so far, how an object is checked and saved,
and how the document's values become the model's."""

import json
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from actionplans.models import ActionItem
from agreements.models import Agreement, FocusArea, Party, ProblemItem
from organisations.models import Organisation

from ..schema_errors import agreement_label


class AgreementBuild:
    """What the import of one agreement has made so far, and what went wrong."""

    def __init__(self, number: int, data: dict):
        self.data = data
        self.label = agreement_label(number, data)
        self.messages: list[str] = []
        self.agreement: Agreement | None = None
        self.parties: dict[int, Party | None] = {}  # by organisation id
        self.problem_items: dict[str, ProblemItem | None] = {}  # by "area.item"
        self.focus_areas: list[FocusArea | None] = []
        self.items: dict[str, ActionItem] = {}  # by "plan.row"
        self._organisations: dict[str, Organisation | None] = {}

    # The check constraints are checked again by the database on save.
    def save(self, instance, path: str, validate_unique=False):
        """Save the object if the model finds it valid, else say why at `path`."""
        try:
            instance.full_clean(validate_unique=validate_unique)
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

    def organisation(self, key: dict, path: str) -> Organisation | None:
        """Find the organisation by natural key, or create it from the document's fields.

        The same few organisations appear on every row: each is looked up once."""
        cache_key = json.dumps(key, sort_keys=True)
        if cache_key not in self._organisations:
            self._organisations[cache_key] = self._find_or_create_organisation(key, path)
        return self._organisations[cache_key]

    def _find_or_create_organisation(self, key: dict, path: str) -> Organisation | None:
        if key.get("kommunkod"):
            found = Organisation.objects.filter(kommunkod=key["kommunkod"]).first()
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
            Organisation(parent=parent, **given(Organisation, key, "kind", "name", "kommunkod")),
            path,
            validate_unique=True,
        )

    def party_for(self, key: dict, path: str) -> Party | None:
        organisation = self.organisation(key, path)
        if organisation is None:
            return None
        if organisation.pk not in self.parties:
            self.error(path, _("%(name)s is not a party to the agreement") % {"name": organisation})
            return None
        return self.parties[organisation.pk]

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


def given(model, data: dict, *names: str) -> dict:
    """The values `data` gives for these fields of `model`, as the model holds them (dates
    and decimals travel as strings). A field `data` leaves out is left out here too."""
    values = {}
    for name in names:
        if name in data:
            field = model._meta.get_field(name)
            values[name] = _stored(field, data[name])
    return values


def _stored(field, value):
    if isinstance(field, models.DateField):
        return date.fromisoformat(value) if value else None
    if isinstance(field, models.DecimalField):
        return None if value is None else Decimal(value)
    return value
