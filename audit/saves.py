"""Historik by save: one entry for each save, whatever it wrote, filtered and paged.

A row saved with its parties' cells writes a record of the row (its version moves even
when only a cell changed) and of each responsibility it changes, adds or removes. The
records of one request carry the same `history_save` (audit/models.py), and are shown as
one entry: who, when, and what changed in each object. Records without one (the demo,
management commands) stay an entry each.

The trail's index (one query, a few columns a record) is grouped and filtered here, in
Python, so that a page holds PAGE_SIZE saves, and the filter's list of people comes from
the same query; only the page's records are then read in full (audit/trail.py).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.widgets import DateInput

from .trail import KINDS, Entry, Trail

PAGE_SIZE = 50
SYSTEM = "system"


@dataclass
class Save:
    """One save: the entries of the objects it wrote, newest first."""

    entries: list[Entry]

    @property
    def when(self) -> datetime.datetime:
        return self.entries[0].when

    @property
    def who(self) -> str:
        return self.entries[0].who


class HistoryFilterForm(forms.Form):
    """Vem, vilken sorts ändring, från och till: a GET form; a value that is not one of
    the choices or not a date is named next to its field and left out of the filter."""

    vem = forms.ChoiceField(label=gettext_lazy("Changed by"), required=False)
    typ = forms.ChoiceField(
        label=gettext_lazy("Kind of change"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *KINDS.items()],
    )
    fran = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    till = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vem"].choices = [("", _("Everyone")), *people]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("fran"), cleaned.get("till")
        if first and last and first > last:
            self.add_error("till", ValidationError(_("The last day comes before the first.")))
        return cleaned

    def filters(self) -> dict:
        """The valid fields' values (an invalid field filters nothing)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def people(index_rows) -> list[tuple[str, str]]:
    """Everyone who changed something in the trail, by name, as the filter's choices."""
    names = {}
    for row in index_rows:
        user_id, user_name = row[4], row[5]
        key = str(user_id) if user_id is not None else SYSTEM
        names.setdefault(key, user_name if user_id is not None else _("the system"))
    return sorted(names.items(), key=lambda choice: choice[1].lower())


def _kept(row, filters) -> bool:
    history_date, user_id, kind = row[0], row[4], row[6]
    person = filters.get("vem")
    if person and person != (str(user_id) if user_id is not None else SYSTEM):
        return False
    if filters.get("typ") and kind != filters["typ"]:
        return False
    day = timezone.localdate(history_date) if timezone.is_aware(history_date) else history_date
    if isinstance(day, datetime.datetime):
        day = day.date()
    if filters.get("fran") and day < filters["fran"]:
        return False
    return not (filters.get("till") and day > filters["till"])


def grouped(index_rows) -> list[list[tuple]]:
    """The index's rows by save, in the order of each save's newest record; a row without
    a save is a save of its own."""
    saves: dict = {}
    for row in index_rows:
        save = row[3]
        key = save if save is not None else (row[2], row[1])
        saves.setdefault(key, []).append(row)
    return list(saves.values())


def history_page(scopes, query):
    """The filter form (bound to `query`) and the page of saves it asks for."""
    trail = Trail(scopes)
    index_rows = list(trail.index())
    form = HistoryFilterForm(query, people=people(index_rows))
    filters = form.filters()
    kept = [row for row in index_rows if _kept(row, filters)]
    page = Paginator(grouped(kept), PAGE_SIZE).get_page(query.get("sida"))
    rows = [row for save in page.object_list for row in save]
    entries = iter(trail.entries(rows))
    page.object_list = [_save([next(entries) for _row in save]) for save in page.object_list]
    return form, page


def _save(entries) -> Save:
    """A save's entries; a row saved for its cells alone records the row too, unchanged
    but for its version: that record says nothing the others do not."""
    said = [entry for entry in entries if entry.kind != "~" or entry.changes]
    return Save(entries=said or entries[:1])
