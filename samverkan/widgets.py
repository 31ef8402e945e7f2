"""Form widgets shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates only, whatever the
    language, so the value is always given to it as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)
