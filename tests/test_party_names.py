"""A party carries the name its document uses ("Strängnäs kommun", "Polisen"), printed on
the title page, above its signatures and as its column heading when it has no label, and
shown on the agreement page; the organisation keeps its registry name ("Strängnäs")."""

import copy
import re

import pytest
from django.urls import reverse
from helpers import pdf_words

from agreements.models import Party
from exchange.copying import copy_agreement
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from organisations.models import Organisation
from printing.agreement_document import document_queryset
from printing.documents import agreement_html, agreement_pdf

POLICE_NAME = "Polisen i Strängnäs och Eskilstuna"


def strangnas_parties(demo):
    agreement = demo["strangnas-2020"]
    municipality, police = agreement.parties.select_related("organisation").order_by("position")
    return agreement, municipality, police


def listed(html: str, opening: str) -> list[str]:
    """The texts of the items of the first list that opens with `opening`."""
    items = html.split(opening, 1)[1].split("</ul>", 1)[0]
    texts = [re.sub(r"<[^>]+>", " ", item) for item in re.findall(r"<li>(.*?)</li>", items)]
    return [" ".join(text.split()) for text in texts]


def test_the_demo_names_strangnas_as_its_text_does_and_keeps_the_registry_name(demo):
    _agreement, municipality, police = strangnas_parties(demo)
    assert municipality.organisation.name == "Strängnäs"
    assert municipality.name == "Strängnäs kommun" == municipality.shown_name
    assert police.name == "" and police.shown_name == "Lokalpolisområde Eskilstuna"
    assert Organisation.objects.filter(name="Strängnäs", kommunkod="0486").exists()


def test_the_print_names_the_parties_on_the_title_page_and_above_their_signatures(demo):
    agreement, _municipality, police = strangnas_parties(demo)
    Party.objects.filter(pk=police.pk).update(name=POLICE_NAME)
    html = agreement_html(document_queryset().get(pk=agreement.pk), draft=False)
    assert listed(html, '<ul class="title-parties">') == ["Strängnäs kommun", POLICE_NAME]
    signing = re.findall(r'<td class="signature-party">\s*<h3>([^<]*)</h3>', html)
    assert signing == ["Strängnäs kommun", POLICE_NAME]
    # On paper: on the title page and above the police's signature, not as the registry.
    words = pdf_words(agreement_pdf(document_queryset().get(pk=agreement.pk)))
    assert words.count(POLICE_NAME.replace(" ", "")) == 2
    assert "LokalpolisområdeEskilstuna" not in words


def test_a_party_without_a_label_heads_its_column_with_the_documents_name(demo):
    agreement, _municipality, police = strangnas_parties(demo)
    Party.objects.filter(pk=police.pk).update(name="Polisen", label="")
    html = agreement_html(document_queryset().get(pk=agreement.pk), draft=False)
    headings = re.findall(r'<th scope="col">([^<]*)</th>', html)
    # The label stays first: the municipality's column is "Kommun", not its name.
    assert headings[:4] == ["Vad", "Kommun", "Polisen", "Kommunikation"]


def test_the_agreement_page_shows_the_documents_names(client, personas, demo):
    agreement, _municipality, police = strangnas_parties(demo)
    Party.objects.filter(pk=police.pk).update(name=POLICE_NAME, label="")
    client.force_login(personas.reader)
    page = client.get(reverse("agreement_detail", args=[agreement.pk])).text
    assert listed(page, '<dt>Parter</dt><dd><ul class="plain">') == [
        "Strängnäs kommun",
        POLICE_NAME,
    ]
    assert listed(page, '<ul class="signatories">') == [
        "Lars Ekström Kommundirektör, Strängnäs kommun Strängnäs 2019-12-20",
        f"Christer Sjöqvist Lokalpolisområdeschef LPOE, {POLICE_NAME} Strängnäs 2019-12-20",
    ]
    assert f'<th scope="col">{POLICE_NAME}</th>' in page


def test_export_writes_the_name_only_when_set_and_import_keeps_it(demo):
    agreement, _municipality, _police = strangnas_parties(demo)
    document = export_document(agreements_for_export([agreement.pk]))
    parties = document["agreements"][0]["parties"]
    assert parties[0]["name"] == "Strängnäs kommun"
    assert "name" not in parties[1]
    copied = copy.deepcopy(document)
    copied["agreements"][0]["reference"] = "strangnas-namn"
    copied["agreements"][0]["parties"][1]["name"] = "Polisen"
    (imported,) = import_document(copied)
    names = [(party.organisation.name, party.name) for party in imported.parties.all()]
    assert names == [("Strängnäs", "Strängnäs kommun"), ("Lokalpolisområde Eskilstuna", "Polisen")]
    again = export_document(agreements_for_export([imported.pk]))["agreements"][0]
    assert again["parties"] == copied["agreements"][0]["parties"]


def test_an_over_long_name_is_refused_on_import_naming_the_field(demo):
    document = export_document(agreements_for_export([demo["strangnas-2020"].pk]))
    document["agreements"][0]["reference"] = "strangnas-lang"
    document["agreements"][0]["parties"][0]["name"] = "x" * 201
    with pytest.raises(DocumentError) as error:
        import_document(document)
    assert any(
        "parties[0].name: är för långt (högst 200 tecken)" in message
        for message in error.value.messages
    ), error.value.messages


@pytest.fixture
def draft_party(demo):
    draft = copy_agreement(demo["strangnas-2020"])
    return draft, draft.parties.order_by("position").last()


def party_data(party, **changes) -> dict:
    data = {
        "organisation": party.organisation_id,
        "name": party.name,
        "role": party.role,
        "label": party.label,
    }
    data.update({f"initial-{name}": value for name, value in data.items()})
    data["version"] = party.version
    return data | changes


def test_the_draft_editor_edits_the_name_and_shows_it(coordinator, draft_party):
    draft, party = draft_party
    url = reverse("part_edit", args=[draft.pk, "part", party.pk])
    form = coordinator.get(url).text
    assert 'name="name"' in form and "Namn i dokumentet" in form
    coordinator.post(url, party_data(party, name="Polisen"))
    party.refresh_from_db()
    assert party.name == "Polisen" and party.organisation.name == "Lokalpolisområde Eskilstuna"
    editor = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert "i dokumentet: Polisen" in editor


def test_an_over_long_name_is_refused_in_swedish_next_to_the_field(coordinator, draft_party):
    draft, party = draft_party
    url = reverse("part_edit", args=[draft.pk, "part", party.pk])
    response = coordinator.post(url, party_data(party, name="x" * 201))
    assert response.status_code == 200
    assert "Säkerställ att detta värde har som mest 200 tecken (den har 201)." in response.text
    party.refresh_from_db()
    assert party.name == ""
