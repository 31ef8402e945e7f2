"""Filter forms name their fields in English in the code; the addresses users see and
bookmark keep their Swedish keys (`?fran=1&till=utkast`)."""

import re

from django.urls import reverse

from followup.forms import TimelineFilterForm
from signing.forms import CompareForm


def input_names(page: str) -> set[str]:
    return set(re.findall(r'<(?:input|select)[^>]* name="([^"]+)"', page))


def test_the_timeline_filter_is_read_and_written_with_the_swedish_keys(client, personas, demo):
    agreement = demo["strangnas-2020"]
    client.force_login(personas.reader)
    page = client.get(reverse("follow_up", args=[agreement.pk])).text
    assert {"fokusomrade", "part", "fran", "till", "rad"} <= input_names(page)
    assert set(TimelineFilterForm.query_keys()) == {"fokusomrade", "part", "fran", "till", "rad"}
    form = TimelineFilterForm({"fran": "2022-12-01", "till": "2022-01-01"}, agreement=agreement)
    assert not form.is_valid() and list(form.errors) == ["until"]


def test_compare_reads_the_swedish_keys_and_shows_them_in_its_form(client, personas, demo):
    agreement = demo["strangnas-2020"]
    client.force_login(personas.reader)
    url = reverse("compare_versions", args=[agreement.pk])
    response = client.get(url, {"fran": "utkast", "till": "utkast"})
    assert "Välj två olika versioner" in response.text
    assert {"fran", "till"} <= input_names(response.text)
    form = CompareForm({"fran": "1", "till": "utkast"}, choices=[("1", "1"), ("utkast", "-")])
    assert form.is_valid() and form.cleaned_data == {"first": "1", "second": "utkast"}
    assert CompareForm.query_keys() == ["fran", "till"]
