"""Optimistic locking: no silent overwrite when two people edit the same thing.

Every object a form edits carries a version. A form remembers the version it was opened
at; the save writes only if the row still has that version, in one conditional UPDATE, so
two saves racing each other cannot both win, on PostgreSQL and SQLite alike. After a
conflict, `VersionedForm.conflict_with` builds what the conflict view shows (the shared
template `_conflict.html`): the stored object with this user's changes on top, and the
fields where the two differ.
"""

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .saving import saved_without_save
from .sent_once import FIELD as SENT_KEY
from .values import differs, shown


class EditConflict(Exception):
    """Someone saved the object after the user opened it."""

    def __init__(self, current):
        super().__init__(f"{current!r} changed since it was opened")
        self.current = current  # the object as it is now in the database


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by one at every save.")
    )
    # The column holding the edit version. An agreement's `version` is the number of the
    # version being signed, so it keeps its edit version in `edit_version` instead.
    version_field = "version"

    class Meta:
        abstract = True

    def save_if_unchanged(self, seen_version: int, fields: list[str], **only_if) -> None:
        """Write `fields` if the stored row is still at `seen_version` (and matches the
        lookups `only_if`, e.g. a report still a draft), else EditConflict."""
        fields = [*fields, *self._touched_fields(fields)]
        values = {name: getattr(self, self._meta.get_field(name).attname) for name in fields}
        manager = type(self)._base_manager
        version = self.version_field
        updated = manager.filter(pk=self.pk, **{version: seen_version}, **only_if).update(
            **values, **{version: F(version) + 1}
        )
        if not updated:
            # None: the object was deleted in between.
            raise EditConflict(manager.filter(pk=self.pk).first())
        setattr(self, version, seen_version + 1)
        saved_without_save(self, fields)

    def _touched_fields(self, fields) -> list[str]:
        """The `auto_now` timestamps an UPDATE must set itself (save() would)."""
        touched = []
        for field in self._meta.concrete_fields:
            if getattr(field, "auto_now", False) and field.name not in fields:
                field.pre_save(self, add=False)  # sets the attribute to now
                touched.append(field.name)
        return touched


def version_of(instance) -> int:
    """The edit version `instance` has in memory."""
    return getattr(instance, instance.version_field)


class VersionedForm(forms.ModelForm):
    """A form for a Versioned model that never overwrites silently.

    It carries the version it was opened at, and each field the value it was opened with
    (Django's show_hidden_initial), so that after a conflict the form can be laid over the
    stored object with only this user's changes on top.
    """

    # 0: opened before the object existed (the problem picture is created by its first
    # save), so a second "first" save meets the first one's version 1 as a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(self.instance) if self.instance.pk else 0
        # Only a save over an existing object is checked: a new one has nothing to lose.
        self.fields["version"].required = bool(self.instance.pk)
        self.remember_opened_values()  # again by a form that adds fields afterwards

    def remember_opened_values(self):
        """Call once all fields exist: each then posts back the value it was opened with."""
        for name, field in self.fields.items():
            field.show_hidden_initial = name not in ("version", SENT_KEY)

    def save_checked(self, **only_if):
        """Save an existing object unless someone saved it since the form was opened.

        Raises EditConflict and writes nothing; run it in a transaction when more than
        the object itself is saved. A new object (nothing to lose) is simply saved.
        """
        if not self.instance.pk:
            return self.save()
        fields = [name for name in self._meta.fields if name in self.fields]
        self.instance.save_if_unchanged(self.cleaned_data["version"], fields, **only_if)
        return self.instance

    def conflict_with(self, fresh) -> tuple["VersionedForm", list[tuple[str, str, str]]]:
        """After EditConflict: (the form to show, the differences to list).

        `fresh(data)` builds this kind of form over the object as stored now, fetched anew
        (validating a form writes into its instance, so each form gets its own copy). The
        form shown holds the stored object with this user's changes on top and carries
        the stored version, so saving it again overwrites knowingly.
        """
        saved = fresh(None)
        mine = fresh(self.merged_onto(saved))
        mine.is_valid()
        return mine, mine.differences_from(saved)

    def merged_onto(self, saved):
        """This form's data laid over the object as stored now (`saved`, unbound).

        The fields this user changed keep their values; the others take the stored ones,
        so "Spara min version" does not undo what the other person changed in other
        fields. The opened-with values and the version become the stored ones.
        """
        data = self.data.copy()
        data["version"] = version_of(saved.instance)
        changed = set(self.changed_data)
        for name in self.fields:
            if name == "version":
                continue
            stored = _as_data(saved[name].value())
            data[saved.add_initial_prefix(name)] = stored
            if name not in changed:
                data[name] = stored
        return data

    def differences_from(self, saved) -> list[tuple[str, str, str]]:
        """(label, saved value, this form's value) for each field where the two differ.

        `saved` is an unbound form of the object as stored now; this form is bound, valid.
        """
        differences = []
        for name, field in self.fields.items():
            if name == "version":
                continue
            theirs = field.clean(saved[name].value())
            mine = self.cleaned_data.get(name)
            if differs(theirs, mine):
                differences.append((field.label, shown(field, theirs), shown(field, mine)))
        return differences


def _as_data(value) -> str:
    """A field's value as a browser would post it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
