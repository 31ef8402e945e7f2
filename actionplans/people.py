"""A row's responsible person in the row form: only the members of the row's responsible
organisations who may log follow-up on its plan are offered (ActionItem.eligible_people),
and any other value is refused beside the field in Swedish."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samverkan.params import is_id


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of user by id; an id longer than the database holds is an invalid choice
    (Django's own field sends it to the database, where SQLite cannot bind it)."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and not is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def offer_responsible_people(field, item) -> None:
    """Offer the row's eligible people (and the person named now, who stays until changed
    even if they have left since)."""
    field.queryset = item.eligible_people(also=item.responsible_person_id)
    field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
    field.empty_label = _("(no one named)")
    field.help_text = _(
        "A coordinator or municipal police officer of one of the row's responsible "
        "organisations who may log follow-up on this plan."
    )
    field.error_messages["invalid_choice"] = _(
        "Choose a coordinator or municipal police officer of one of the row's responsible "
        "organisations who may log follow-up on this plan."
    )
