"""One way to show a value to a user, and one way to tell whether two values differ.

The history page, the conflict view, the spreadsheet preview and Jämför versioner all show
a field's value; they do it through `shown`, so the same value reads the same everywhere:
a choice by its label, a date as YYYY-MM-DD (what Swedish users write), a boolean as
ja/nej, a related object by its name (a person by their full name, else the user name,
as the pages name people), nothing as "–".
"""

import datetime

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

EMPTY = "–"


def shown(field, value) -> str:
    """`value` of `field` (a model field or a form field, or None for plain text) as the
    text a Swedish user reads."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list | tuple | set | frozenset | QuerySet):
        return "; ".join(sorted(shown(field, one) for one in value)) or EMPTY
    label = _choice_label(field, value)
    if label is not None:
        return label
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, AbstractBaseUser):
        return person_name(value)
    return str(value)


def person_name(user) -> str:
    """A user as the pages name people: the full name, else the user name."""
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()


def _choice_label(field, value) -> str | None:
    """The label of a choice field's value (None when the field has no choices; the value
    itself when it is not among them, e.g. one since removed)."""
    if isinstance(field, models.Field) and field.choices and not field.is_relation:
        choices = field.flatchoices
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = _flat(field.choices)
    else:
        return None
    return str(dict(choices).get(value, value))


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            yield from label
        else:
            yield value, label


def differs(before, after) -> bool:
    """Whether two values of a field differ for a reader: no value and an empty text are
    the same."""
    return (before if before is not None else "") != (after if after is not None else "")
