"""Periods as real documents write them: a year ("2021"), years ("2019–2020") or a length
from signing ("tvåårigt"), held and printed as written, counted as whole calendar years
or from the day of signing where the product needs dates (status, due dates)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from helpers import make_ready, strangnas_draft

from agreements.drafting import AgreementFactsForm
from agreements.models import Agreement, CurrentStatus
from exchange.export import export_document
from exchange.importer import import_document
from printing.documents import living_agreement_html
from signing import lifecycle
from signing.compare import compare

D = datetime.date
EDITOR = "samordnare.strangnas"


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 12, 1))
    return D(2026, 12, 1)


def sign(agreement, user, signed_on: str):
    version = make_ready(agreement, user(EDITOR))
    version.refresh_from_db()
    signature = {"organisation": "Strängnäs kommun", "name": "Kommunchef", "place": "Strängnäs"}
    lifecycle.register_signature(
        version,
        signatures=[{**signature, "signed_on": signed_on}],
        scan=b"%PDF-1.7 scan",
        scan_name="scan.pdf",
        user=user(EDITOR),
        today=D(2026, 12, 1),
    )
    agreement.refresh_from_db()
    return agreement


def written(demo, **period):
    agreement = strangnas_draft(demo)
    agreement.valid_from = agreement.valid_until = None
    for name, value in period.items():
        setattr(agreement, name, value)
    agreement.full_clean()
    agreement.save()
    return agreement


def status_in_sql(agreement, day):
    return Agreement.objects.with_status_on(day).get(pk=agreement.pk).status_on_day


def title_page(agreement) -> str:
    with translation.override("sv"):
        html = living_agreement_html(agreement)
    return html.split('<section class="title-page">')[1].split("</section>")[0]


def test_a_year_is_printed_as_written_and_counted_as_that_calendar_year(demo, user, today):
    agreement = written(demo, first_year=2021, validity_note="Medborgarlöfte 2021")
    with translation.override("sv"):
        assert agreement.period_as_written() == "2021"
    assert agreement.counted_period() == (D(2021, 1, 1), D(2021, 12, 31))
    sign(agreement, user, "2020-12-15")

    for day, status in [
        (D(2020, 12, 20), CurrentStatus.NOT_YET_IN_FORCE),
        (D(2021, 3, 1), CurrentStatus.ACTIVE),
        (D(2021, 11, 1), CurrentStatus.EXPIRING),
        (D(2022, 1, 1), CurrentStatus.EXPIRED),
    ]:
        assert agreement.status_on(day) == status, day
        assert status_in_sql(agreement, day) == status, day
    assert set(Agreement.objects.valid_during(2021)) >= {agreement}
    assert agreement not in Agreement.objects.valid_during(2022)
    assert agreement not in Agreement.objects.valid_during(2020)

    page = title_page(agreement)
    assert "2021" in page
    assert "januari" not in page and "december" not in page  # no invented exact date
    assert "tills vidare" not in page


def test_years_print_with_a_dash_and_count_to_the_end_of_the_last(demo, user, today):
    agreement = written(demo, first_year=2019, last_year=2020)
    assert agreement.period_as_written() == "2019–2020"
    assert agreement.counted_period() == (D(2019, 1, 1), D(2020, 12, 31))
    assert agreement.last_day() == D(2020, 12, 31)


def test_a_length_from_signing_has_no_dates_before_signing_and_counts_from_it_after(
    demo, user, client, today
):
    agreement = written(demo, length_years=2, validity_note="tvåårigt")
    assert agreement.counted_period() == (None, None)
    with translation.override("sv"):
        assert agreement.period_as_written() == "2 år från undertecknandet"

    sign(agreement, user, "2026-11-30")
    assert agreement.counted_period() == (D(2026, 11, 30), D(2028, 11, 29))
    for day, status in [
        (D(2026, 11, 29), CurrentStatus.NOT_YET_IN_FORCE),
        (D(2027, 6, 1), CurrentStatus.ACTIVE),
        (D(2028, 11, 29), CurrentStatus.EXPIRING),
        (D(2028, 11, 30), CurrentStatus.EXPIRED),
    ]:
        assert agreement.status_on(day) == status, day
        assert status_in_sql(agreement, day) == status, day
    assert agreement in Agreement.objects.valid_during(2028)
    assert agreement not in Agreement.objects.valid_during(2029)

    # Printed as written, also once the dates are known.
    client.force_login(user(EDITOR))
    page = client.get(agreement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "2 år från undertecknandet" in page
    assert "2028-11-29" not in page


def test_the_title_page_of_a_length_without_dates_does_not_contradict_itself(demo):
    agreement = written(demo, length_years=2, validity_note="tvåårigt")
    page = title_page(agreement)
    assert "2 år från undertecknandet" in page
    assert "tvåårigt" in page
    assert "tills vidare" not in page
    assert "– –" not in page


@pytest.mark.parametrize(
    ("period", "field", "message"),
    [
        ({"first_year": 2021, "last_year": 2020}, "last_year", "Sista året kan inte vara före"),
        ({"last_year": 2021}, "first_year", "Ange första året också."),
        ({"first_year": 2021, "valid_from": "2021-01-01"}, "first_year", "antingen som exakta"),
        ({"length_years": 2, "first_year": 2021}, "length_years", "En längd från"),
        ({"length_years": 11}, "length_years", "10"),
    ],
)
def test_a_period_written_two_ways_is_refused_in_swedish_next_to_the_field(
    demo, period, field, message
):
    agreement = strangnas_draft(demo)
    fields = AgreementFactsForm._meta.fields
    data = {name: AgreementFactsForm(instance=agreement)[name].value() for name in fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(
        valid_from="",
        valid_until="",
        version=AgreementFactsForm(instance=agreement)["version"].value(),
    )
    data.update({name: str(value) for name, value in period.items()})
    with translation.override("sv"):
        form = AgreementFactsForm(data, instance=agreement)
        assert not form.is_valid()
        assert message in " ".join(form.errors[field]), form.errors


def test_the_model_refuses_both_dates_and_years(demo):
    agreement = strangnas_draft(demo)
    agreement.first_year = 2021
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert "first_year" in refused.value.message_dict


def test_a_period_written_in_years_or_as_a_length_travels_in_the_json_format(demo):
    years = written(demo, first_year=2019, last_year=2020, validity_note="2019–2020")
    document = export_document([years])
    facts = document["agreements"][0]
    assert (facts["valid_from"], facts["valid_until"]) == (None, None)
    assert (facts["first_year"], facts["last_year"]) == (2019, 2020)
    assert "length_years" not in facts
    facts["reference"] = "ar-2019-2020-kopia"
    facts["length_years"] = None
    copy = import_document(document)[0]
    assert (copy.first_year, copy.last_year, copy.length_years) == (2019, 2020, None)
    assert copy.period_as_written() == "2019–2020"

    facts.update(reference="tvaarigt", first_year=None, last_year=None, length_years=2)
    copy = import_document(document)[0]
    assert copy.length_years == 2 and copy.counted_period() == (None, None)
    again = export_document([copy])["agreements"][0]
    assert again["length_years"] == 2 and "first_year" not in again


def test_an_extendable_period_in_years_is_refused_an_extension_in_swedish(demo, user, today):
    agreement = written(demo, first_year=2026, renewal_rule="extendable", extension_max_years=1)
    sign(agreement, user, "2026-01-10")
    with translation.override("sv"), pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.extend(agreement, D(2027, 12, 31), user(EDITOR))
    assert "exakt slutdatum" in str(refused.value)


def test_a_year_renewed_per_calendar_year_runs_into_the_next_year(demo, user, today):
    agreement = written(demo, first_year=2025, renewal_rule="calendar_year")
    sign(agreement, user, "2024-12-10")
    assert lifecycle.refresh_statuses(today) >= 1
    assert agreement.events.filter(kind="renewed").get().new_end == D(2026, 12, 31)
    assert agreement.period_on(today) == (D(2026, 1, 1), D(2026, 12, 31))
    assert status_in_sql(agreement, today) == CurrentStatus.ACTIVE


def test_the_draft_editor_saves_a_period_in_years_and_refuses_one_written_two_ways(
    demo, user, client
):
    draft = strangnas_draft(demo)
    client.force_login(user(EDITOR))
    url = reverse("draft_facts", args=[draft.pk])
    data = {
        "title": draft.title,
        "valid_from": "2021-01-01",
        "first_year": "2021",
        "renewal_rule": "fixed_end",
        "validity_note": "Medborgarlöfte 2021",
        "version": draft.edit_version,
    }
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert re.search(r'class="field-error"[^>]*>[^<]*antingen som exakta datum', refused)
    draft.refresh_from_db()
    assert draft.first_year is None

    saved = client.post(url, {**data, "valid_from": ""}, HTTP_ACCEPT_LANGUAGE="sv")
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.valid_from, draft.valid_until, draft.first_year) == (None, None, 2021)
    editor = client.get(reverse("draft_editor", args=[draft.pk])).content.decode()
    assert re.search(r"<dd>2021<br><span class=\"note\">Medborgarlöfte 2021</span>", editor)
    assert "2021-01-01" not in editor


def test_compare_versions_shows_a_period_without_dates_as_written(demo):
    agreement = written(demo, first_year=2019, last_year=2020)
    old = export_document([agreement])["agreements"][0]
    agreement.first_year = agreement.last_year = None
    agreement.length_years = 2
    new = export_document([agreement])["agreements"][0]
    with translation.override("sv"):
        facts = compare(old, new)[0]
    texts = " ".join(f"{change.old} {change.new}" for change in facts.changes)
    assert "2019–2020" in texts and "2 år från undertecknandet" in texts
    assert "– –" not in texts


def test_the_source_s_words_are_not_printed_again_when_they_repeat_the_period(demo):
    repeated = title_page(written(demo, first_year=2026, validity_note="2026"))
    assert repeated.count(">2026<") == 1 and 'class="note">2026<' not in repeated
    agreement = written(demo, first_year=2019, last_year=2020, validity_note="2019-2020")
    assert agreement.validity_note_shown == ""
    agreement = written(demo, first_year=2026, validity_note="tills nästa medborgarlöfte")
    assert "tills nästa medborgarlöfte" in title_page(agreement)
