"""Kinds of document: a cooperation agreement (samverkansöverenskommelse) or a citizen
promise (medborgarlöfte), named on the agreement page, the print's title page, the lists
and the draft editor; a citizen promise under a cooperation agreement, linked both ways;
the JSON format carries both."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from helpers import count_queries

from agreements.models import Agreement, AgreementKind
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from printing.documents import living_agreement_html

HTMX = {"HX-Request": "true"}


@pytest.fixture
def promise(demo):
    """A citizen promise under Strängnäs' cooperation agreement, with the same parties."""
    agreement = copy_agreement(demo["strangnas-2020"], title="Medborgarlöfte Strängnäs 2021")
    agreement.kind = AgreementKind.CITIZEN_PROMISE
    agreement.part_of = demo["strangnas-2020"]
    agreement.full_clean()
    agreement.save()
    return agreement


def kicker(html: str) -> str:
    return re.search(r'<p class="kicker">([^<]*)', html).group(1)


def test_the_agreement_page_names_the_kind_above_the_title(coordinator, demo, promise):
    parent = coordinator.get(demo["strangnas-2020"].get_absolute_url()).text
    assert kicker(parent).startswith("Samverkansöverenskommelse · ")
    assert kicker(coordinator.get(promise.get_absolute_url()).text).startswith("Medborgarlöfte · ")


def test_the_title_page_of_the_print_names_the_kind(demo, promise):
    with translation.override("sv"):
        # A medborgarlöfte has no title page: its heading opens its first page.
        title_page = living_agreement_html(promise).split('class="promise-head"')[1]
        assert kicker(title_page).startswith("Medborgarlöfte")
        assert "Samverkansöverenskommelse" not in kicker(title_page)
        parent = living_agreement_html(demo["strangnas-2020"]).split('class="title-page"')[1]
        assert kicker(parent).startswith("Samverkansöverenskommelse")


@pytest.mark.parametrize("page", ["agreement_list", "overview"])
def test_the_lists_name_a_citizen_promise_beside_its_title(coordinator, demo, promise, page):
    text = coordinator.get(reverse(page)).text
    row = re.search(r"Medborgarlöfte Strängnäs 2021</a>([^\n]*)</th>", text)
    assert row and "Medborgarlöfte" in row.group(1)
    # A cooperation agreement is what an agreement is by default: no label beside it.
    parent = re.search(r"Samverkansöverenskommelse mellan[^<]*</a>([^\n]*)</th>", text)
    assert parent and 'class="kind"' not in parent.group(1)


def test_the_list_runs_as_many_queries_with_citizen_promises_under_agreements(client, user, demo):
    client.force_login(user("admin"))
    before = count_queries(client, reverse("agreement_list"))
    for number in range(3):
        child = copy_agreement(demo["strangnas-2020"], title=f"Medborgarlöfte {2021 + number}")
        Agreement.objects.filter(pk=child.pk).update(
            kind=AgreementKind.CITIZEN_PROMISE, part_of=demo["strangnas-2020"]
        )
    assert count_queries(client, reverse("agreement_list")) == before


def test_the_agreement_lists_its_citizen_promises_and_each_links_back(coordinator, demo, promise):
    parent = demo["strangnas-2020"]
    page = coordinator.get(parent.get_absolute_url()).text
    listed = page.split('id="citizen-promises-heading"')[1].split("</section>")[0]
    assert "Medborgarlöften under den här överenskommelsen" in listed
    assert f'<a href="{promise.get_absolute_url()}">Medborgarlöfte Strängnäs 2021</a>' in listed
    assert "Utkast" in listed  # its status
    child = coordinator.get(promise.get_absolute_url()).text
    assert f'Del av: <a href="{parent.get_absolute_url()}">{parent.title}</a>' in child
    assert 'id="citizen-promises-heading"' not in child


def test_the_agreement_page_runs_as_many_queries_for_three_citizen_promises_as_for_one(
    client, user, demo, promise
):
    client.force_login(user("admin"))
    url = demo["strangnas-2020"].get_absolute_url()
    one = count_queries(client, url)
    for year in (2022, 2023):
        child = copy_agreement(promise, title=f"Medborgarlöfte Strängnäs {year}")
        assert child.part_of == demo["strangnas-2020"]
    assert count_queries(client, url) == one


def test_a_citizen_promise_the_reader_may_not_see_is_not_listed(client, user, demo, promise):
    # Only the police is party to the promise: Strängnäs' coordinator sees the agreement,
    # not the promise.
    promise.parties.filter(organisation__kind="municipality").delete()
    client.force_login(user("samordnare.strangnas"))
    page = client.get(demo["strangnas-2020"].get_absolute_url()).text
    assert "Medborgarlöfte Strängnäs 2021" not in page
    assert client.get(promise.get_absolute_url()).status_code == 404


def swedish_errors(agreement) -> dict:
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    return refused.value.message_dict


def test_only_a_citizen_promise_belongs_to_a_cooperation_agreement_with_a_party_in_common(
    demo, promise
):
    promise.kind = AgreementKind.COOPERATION_AGREEMENT
    assert swedish_errors(promise) == {
        "part_of": ["Bara ett medborgarlöfte kan vara en del av en annan överenskommelse."]
    }
    promise.kind = AgreementKind.CITIZEN_PROMISE
    promise.part_of = promise
    assert swedish_errors(promise) == {
        "part_of": ["En överenskommelse kan inte vara en del av sig själv."]
    }
    other = copy_agreement(demo["timra-2017"], title="Medborgarlöfte Timrå")
    other.kind = AgreementKind.CITIZEN_PROMISE
    other.save()
    promise.part_of = other
    assert swedish_errors(promise) == {
        "part_of": ["Ett medborgarlöfte kan bara vara en del av en samverkansöverenskommelse."]
    }
    promise.part_of = demo["timra-2017"]
    assert swedish_errors(promise) == {
        "part_of": ["Överenskommelsen som det är en del av måste ha en part gemensam med det."]
    }
    parent = demo["strangnas-2020"]
    parent.kind = AgreementKind.CITIZEN_PROMISE
    assert swedish_errors(parent)["kind"] == [
        "Medborgarlöften hör till den här överenskommelsen: den förblir en "
        "samverkansöverenskommelse."
    ]


def facts_data(agreement, **changes) -> dict:
    return {
        "title": agreement.title,
        "kind": agreement.kind,
        "part_of": agreement.part_of_id or "",
        "renewal_rule": agreement.renewal_rule,
        "version": agreement.edit_version,
        **changes,
    }


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_draft_editor_chooses_the_kind_and_the_agreement_with_errors_beside_the_field(
    coordinator, demo, headers
):
    draft = copy_agreement(demo["strangnas-2020"], title="Ett nytt löfte")
    parent = demo["strangnas-2020"]
    url = reverse("draft_facts", args=[draft.pk])
    form = coordinator.get(url, headers=HTMX).text
    assert 'name="kind"' in form and f'<option value="{parent.pk}">' in form
    # Another municipality's agreement is no choice: no party in common.
    assert f'<option value="{demo["timra-2017"].pk}">' not in form
    refused = coordinator.post(url, facts_data(draft, part_of=parent.pk), headers=headers).text
    error = re.search(r'<p class="field-error" id="id_part_of_error">([^<]*)', refused)
    assert "Bara ett medborgarlöfte kan vara en del av en annan överenskommelse." in error.group(1)
    draft.refresh_from_db()
    assert draft.part_of is None and draft.kind == AgreementKind.COOPERATION_AGREEMENT
    data = facts_data(draft, kind="citizen_promise", part_of=parent.pk)
    saved = coordinator.post(url, data, headers=headers)
    assert saved.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.kind == AgreementKind.CITIZEN_PROMISE and draft.part_of == parent
    shown = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert '<p class="kicker">Medborgarlöfte</p>' in shown and parent.title in shown


def test_a_new_agreement_may_be_a_citizen_promise(coordinator, personas, demo):
    organisation = personas.coordinator.memberships.get().organisation
    assert 'name="kind"' in coordinator.get(reverse("agreement_create")).text
    coordinator.post(
        reverse("agreement_create"),
        {
            "title": "Medborgarlöfte 2027",
            "organisation": organisation.pk,
            "kind": "citizen_promise",
        },
    )
    assert Agreement.objects.get(title="Medborgarlöfte 2027").kind == AgreementKind.CITIZEN_PROMISE


def exported(agreement) -> dict:
    (data,) = export_document(agreements_for_export([agreement.pk]))["agreements"]
    return data


def as_new(data: dict, reference: str, **changes) -> dict:
    return {
        "format_version": 2,
        "agreements": [{**data, "reference": reference, "signatories": [], **changes}],
    }


def test_the_json_format_carries_the_kind_and_the_agreement_it_is_part_of(demo, promise):
    data = exported(promise)
    assert data["kind"] == "citizen_promise" and data["part_of"] == "strangnas-2020"
    assert exported(demo["strangnas-2020"])["kind"] == "cooperation_agreement"
    assert "part_of" not in exported(demo["strangnas-2020"])
    (copy,) = import_document(as_new(data, "medborgarlofte-kopia"))
    assert copy.kind == AgreementKind.CITIZEN_PROMISE and copy.part_of == demo["strangnas-2020"]
    assert {**exported(copy), "reference": data["reference"]} == {**data, "signatories": []}
    # Its agreement is not there: the promise comes alone.
    (alone,) = import_document(as_new(data, "medborgarlofte-ensam", part_of="finns-inte"))
    assert alone.part_of is None and alone.kind == AgreementKind.CITIZEN_PROMISE
    # A file without the kind holds cooperation agreements, as before.
    old = {key: value for key, value in data.items() if key not in ("kind", "part_of")}
    (older,) = import_document(as_new(old, "aldre-fil"))
    assert older.kind == AgreementKind.COOPERATION_AGREEMENT and older.part_of is None


def test_an_agreement_may_come_before_the_one_it_is_part_of_in_a_file(demo, promise):
    parent = {**exported(demo["strangnas-2020"]), "reference": "ny-overenskommelse"}
    child = {**exported(promise), "reference": "nytt-lofte", "part_of": "ny-overenskommelse"}
    document = {"format_version": 2, "agreements": [child, parent]}
    imported_child, imported_parent = import_document(document)
    assert imported_child.part_of == imported_parent


def test_a_bad_part_of_in_a_file_is_refused_in_swedish_naming_the_field(demo, promise):
    document = as_new(exported(promise), "fel-lofte", part_of="timra-2017")
    before = Agreement.objects.count()
    with translation.override("sv"), pytest.raises(DocumentError) as refused:
        import_document(document)
    (message,) = refused.value.messages
    assert "part_of" in message
    assert "måste ha en part gemensam" in message
    assert Agreement.objects.count() == before
