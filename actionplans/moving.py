"""Flytta upp, Flytta ned and a row dragged to another place: the form a move posts and
the move it asks for, always within the row's focus area (a row goes under another focus
area by choosing it in the row's form)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.ordering import OrderChanged, move_to, swap_with_neighbour

from .models import ActionItem

MOST_ROWS = 10_000  # far more than a plan holds; a larger number is refused, not clamped


class RowMoveForm(forms.Form):
    """Up, down, or to a place (1 = first in the focus area), as a dragged row posts it
    (static/js/plan_sorting.js) with the order of the rows as the user saw them before."""

    direction = forms.ChoiceField(
        choices=[("up", "up"), ("down", "down"), ("to", "to")],
        error_messages={"invalid_choice": gettext_lazy("Choose up, down or a place.")},
    )
    position = forms.IntegerField(min_value=1, max_value=MOST_ROWS, required=False)
    seen = forms.CharField(required=False, max_length=20 * MOST_ROWS)

    def clean_seen(self) -> list[int] | None:
        """The row ids in the order the user saw, comma-separated; None when not sent."""
        text = self.cleaned_data["seen"].strip()
        if not text:
            return None
        try:
            return [int(part) for part in text.split(",")]
        except ValueError:
            raise forms.ValidationError(_("The order of the rows could not be read.")) from None

    def clean(self):
        data = super().clean()
        if data.get("direction") == "to" and data.get("position") is None:
            self.add_error("position", _("Give the place to move the row to."))
        return data


def move_row(plan, item, form: RowMoveForm) -> tuple[str, str]:
    """Make the move a valid form asks for. Returns the message to show and the button
    that keeps the focus ("up" or "down"; "" after a drag, when the message takes it)."""
    among = ActionItem.objects.filter(plan=plan, focus_area=item.focus_area)
    parent_rows = ActionItem.objects.filter(plan=plan)
    direction = form.cleaned_data["direction"]
    if direction == "to":
        try:
            place = move_to(
                item,
                form.cleaned_data["position"],
                among=among,
                parent_rows=parent_rows,
                seen=form.cleaned_data["seen"],
            )
        except OrderChanged:
            message = _(
                "Someone changed the order of these rows after you opened the page. Nothing "
                "was moved: the rows are shown as they are now."
            )
            return message, ""
        if place is None:
            return _("The row is already in that place."), ""
        return _("The row was moved to place %(place)s.") % {"place": place}, ""
    moved = swap_with_neighbour(item, direction, among=among, parent_rows=parent_rows)
    if moved is None:
        message = (
            _("The row is already first.") if direction == "up" else _("The row is already last.")
        )
    else:
        message = _("The row was moved up.") if direction == "up" else _("The row was moved down.")
    return message, direction
