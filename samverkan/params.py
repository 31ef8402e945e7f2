"""Ids anyone can type: in a page's query string (`?fokusomrade=3`) or a posted form."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

# A bigint holds 19 digits; anything longer names no row.
MAX_ID_DIGITS = 18


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS


def query_id(request, name: str) -> int | None:
    """The id in query parameter `name`; None when it is absent or empty; 404 when it is
    not a whole number (`abc`, `-1`, a NUL byte, twenty digits)."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not is_id(value):
        raise Http404
    return int(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes of rows by id. Django's own field sends a twenty-digit id to the
    database, where SQLite cannot bind it (OverflowError): here it is an invalid choice."""

    def _check_values(self, value):
        for pk in value:
            if isinstance(pk, str) and pk.isdigit() and not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class QueryKeyForm(forms.Form):
    """A form of a page's query string whose fields are named in English in the code while
    the address keeps the Swedish keys users see and bookmark (`?fran=2&till=3`):
    `QUERY_KEYS` maps a field's name to its key."""

    QUERY_KEYS: dict[str, str] = {}

    def add_prefix(self, field_name):
        return super().add_prefix(self.QUERY_KEYS.get(field_name, field_name))

    @classmethod
    def query_key(cls, field_name: str) -> str:
        return cls.QUERY_KEYS.get(field_name, field_name)

    @classmethod
    def query_keys(cls) -> list[str]:
        """Every key the form reads from the query string."""
        return [cls.query_key(name) for name in cls.base_fields]
