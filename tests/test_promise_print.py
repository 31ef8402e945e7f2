"""Promises printed as promises (issue 15, point 2): a medborgarlöfte on one or two pages
with its promises grouped under who promises, how they were chosen, how they are followed
up and the two signatures; a plan laid out as promises printed as numbered lists in any
agreement; the follow-up arrangement and who takes part in a promise, as data, edited,
carried by JSON and printed."""

import copy
import importlib
from io import BytesIO

import pytest
from django.apps import apps
from django.utils import translation
from helpers import pdf_text, pdf_words, squeeze
from promise_document import (
    FOLLOW_UP,
    MUNICIPALITY_PROMISE,
    POLICE_PROMISE,
    PROMISES,
    TITLE,
    TOGETHER,
    citizen_promise,
    document,
)
from promise_document import promise as promise_row
from pypdf import PdfReader

from actionplans.models import ActionItem, ActionPlan, Responsibility
from agreements.models import Agreement, FocusArea
from exchange.export import agreement_to_dict, agreements_for_export, export_document
from exchange.importer import DocumentError, import_document
from printing.agreement_document import document_queryset
from printing.documents import agreement_html, agreement_pdf, plan_pdf
from signing.compare import compare

HTMX = {"HX-Request": "true"}


@pytest.fixture
def promise(db):
    (agreement,) = import_document(document())
    return agreement


@pytest.fixture
def promise_pdf(promise) -> bytes:
    return agreement_pdf(promise)


def html_of(agreement) -> str:
    return agreement_html(document_queryset().get(pk=agreement.pk), draft=agreement.is_draft)


def page_count(content: bytes) -> int:
    return len(PdfReader(BytesIO(content)).pages)


def test_a_medborgarlofte_prints_on_one_or_two_pages(promise_pdf):
    assert 1 <= page_count(promise_pdf) <= 2


def test_a_medborgarlofte_is_titled_as_one_not_as_a_cooperation_agreement(promise_pdf):
    text = pdf_text(promise_pdf)
    words = pdf_words(promise_pdf)  # the kicker is letter-spaced
    assert "MEDBORGARLÖFTE" in words and "SAMVERKANSÖVERENSKOMMELSE" not in words
    assert TITLE in text and "Strängnäs kommun och Polisen i Strängnäs" in text
    assert "GÄLLER2026" in words
    assert "Innehåll" not in text  # no table of contents, no title page
    assert "Bilaga" not in text  # the promises are in the text, not appended


def test_the_promises_are_numbered_lists_under_each_heading_once(promise_pdf):
    text = pdf_text(promise_pdf)
    for heading in (POLICE_PROMISE, MUNICIPALITY_PROMISE, TOGETHER):
        assert text.count(heading) == 1
    words = squeeze(text)
    police = words.index(squeeze(POLICE_PROMISE))
    municipality = words.index(squeeze(MUNICIPALITY_PROMISE))
    together = words.index(squeeze(TOGETHER))
    assert police < municipality < together
    under_police = words[police:municipality]
    for number, row in enumerate(PROMISES[:3], start=1):
        assert squeeze(f"{number}. {row['activity']}") in under_police
    assert squeeze(f"1. {PROMISES[3]['activity']}") in words[municipality:together]
    assert squeeze(f"2. {PROMISES[6]['activity']}") in words[together:]
    # Not a table with empty Mål and När columns.
    assert "Mål Aktivitet När Ansvarig" not in text


def test_the_print_names_who_takes_part_besides_who_promises(promise_pdf):
    text = pdf_text(promise_pdf)
    assert "Tillsammans med Strängnäs Bostads AB" in text
    assert "Tillsammans med Strängnäs Bostads AB, Räddningstjänsten Mälardalen" in text


def test_a_party_taking_part_is_named_as_the_document_names_it(promise):
    row = ActionItem.objects.get(plan__agreement=promise, activity__startswith="genomföra minst")
    Responsibility.objects.create(
        item=row,
        position=9,
        organisation=promise.parties.get(name="Strängnäs kommun").organisation,
        role="cooperates",
    )
    html = html_of(promise)
    assert "Tillsammans med Strängnäs kommun" in html  # not the registry's "Strängnäs"


def test_how_the_promises_were_chosen_and_are_followed_up_are_printed(promise_pdf):
    text = pdf_text(promise_pdf)
    assert "Så har löftena valts" in text
    assert "Trygghetsdialog på torget – 13 september 2025, Stora torget, Strängnäs" in text
    assert "214 personer nådda" in text and "87 personer nådda" in text
    assert "Så följs löftena upp" in text
    for value in FOLLOW_UP.values():
        assert value in text
    assert "Anna Ek" in text and "Bo Lind" in text and text.count("Ort och datum") == 2


def test_the_follow_up_arrangement_stands_before_the_signatures(promise):
    html = html_of(promise)
    assert html.index('id="uppfoljning"') < html.index('id="signatures"')


def test_a_plan_whose_title_is_the_documents_gets_no_heading_of_its_own(promise):
    plan = promise.action_plans.get()
    assert plan.title == "" and plan.shown_title == TITLE
    html = html_of(promise)
    assert html.count(f">{TITLE}<") == 3  # <title>, running header, <h1>: no plan heading
    plan.title = TITLE
    plan.save()
    assert html_of(promise).count(f">{TITLE}<") == 3
    plan.title = "Löften för Mariefred"
    plan.save()
    assert '<h3 class="plan-title">Löften för Mariefred</h3>' in html_of(promise)


def test_a_promise_plan_in_a_cooperation_agreement_prints_as_lists(demo):
    agreement = demo["strangnas-2020"]
    data = citizen_promise()
    plan = ActionPlan.objects.create(
        agreement=agreement, position=9, title="Medborgarlöften 2021", layout="promises_by_party"
    )
    for position, row in enumerate(data["action_plans"][0]["items"], start=1):
        ActionItem.objects.create(
            plan=plan,
            position=position,
            activity=row["activity"],
            group_heading=row["group_heading"],
        )
    appendix = html_of(agreement)
    appendix = appendix[appendix.index("Medborgarlöften 2021</h2>") :]
    assert appendix.count(f"<h3>{POLICE_PROMISE}</h3>") == 1
    assert '<ol class="promises">' in appendix and "plan-table" not in appendix
    alone = pdf_text(plan_pdf(agreement, plan.pk))
    assert alone.count(POLICE_PROMISE) == 1 and "1. vara synliga" in alone
    assert "Mål Aktivitet När Ansvarig" not in alone
    assert "SAMVERKANSÖVERENSKOMMELSE" in pdf_words(agreement_pdf(agreement))


def test_a_cooperation_agreement_prints_as_before(demo):
    agreement = demo["strangnas-2020"]
    html = html_of(agreement)
    assert 'class="title-page"' in html and 'class="print-toc"' in html
    assert 'id="uppfoljning"' not in html  # no arrangement written, nothing printed
    assert "promise-print" not in html and 'class="plan-table' in html


def test_a_cooperation_agreement_prints_its_follow_up_arrangement_when_written(demo):
    agreement = demo["timra-2017"]
    agreement.follow_up_by = "Styrgruppen för brottsförebyggande rådet"
    agreement.follow_up_how_often = "En gång per år"
    agreement.save()
    text = pdf_text(agreement_pdf(agreement))
    assert "Uppföljning" in text
    assert "Styrgruppen för brottsförebyggande rådet" in text and "En gång per år" in text
    assert "Rapporteras till" not in text  # only what is written


def test_consecutive_rows_with_the_same_heading_form_one_group(promise):
    rows = list(ActionItem.objects.filter(plan__agreement=promise).order_by("position"))
    rows[-1].group_heading = POLICE_PROMISE  # after "Tillsammans": a group of its own
    rows[-1].save()
    html = html_of(promise)
    assert html.count(f"<h3>{POLICE_PROMISE}</h3>") == 2


def test_the_migration_fills_the_heading_from_what_promise_rows_carry(promise):
    migration = importlib.import_module(
        "actionplans.migrations.0005_promise_group_heading_and_optional_plan_title"
    )
    rows = list(ActionItem.objects.filter(plan__agreement=promise).order_by("position"))
    ActionItem.objects.filter(pk__in=[r.pk for r in rows]).update(group_heading="")
    ActionItem.objects.filter(pk=rows[0].pk).update(responsible_text="Polisen lovar")
    migration.heading_from_what_rows_carry(apps, None)
    headings = list(
        ActionItem.objects.filter(plan__agreement=promise)
        .order_by("position")
        .values_list("group_heading", flat=True)
    )
    assert headings[0] == "Polisen lovar"  # as written
    assert headings[1] == "Polisen i Strängnäs lovar att"  # the promising party's name
    assert headings[3] == "Strängnäs kommun lovar att"
    assert headings[5] == ""  # says neither


def test_json_carries_the_group_heading_and_the_follow_up_arrangement(promise):
    (exported,) = [agreement_to_dict(a) for a in agreements_for_export([promise.pk])]
    assert exported["follow_up_arrangement"] == FOLLOW_UP
    items = exported["action_plans"][0]["items"]
    assert [item["group_heading"] for item in items] == [p["group_heading"] for p in PROMISES]
    assert exported["action_plans"][0]["title"] == ""
    again = copy.deepcopy(exported)
    again["reference"] = "medborgarlofte-kopia"
    (copied,) = import_document({"format_version": 2, "agreements": [again]})
    assert copied.follow_up_published == FOLLOW_UP["published"]
    assert list(
        ActionItem.objects.filter(plan__agreement=copied).values_list("group_heading", flat=True)
    ) == [p["group_heading"] for p in PROMISES]


def test_json_without_them_reads_as_before(demo):
    (exported,) = [agreement_to_dict(a) for a in agreements_for_export([demo["timra-2017"].pk])]
    assert "follow_up_arrangement" not in exported
    assert all("group_heading" not in i for p in exported["action_plans"] for i in p["items"])


def test_a_too_long_group_heading_in_a_file_is_refused_in_swedish(db):
    data = citizen_promise()
    data["action_plans"][0]["items"][0]["group_heading"] = "x" * 201
    with pytest.raises(DocumentError) as refused:
        import_document(document(data))
    assert "group_heading: är för långt (högst 200 tecken)" in str(refused.value)
    assert not Agreement.objects.filter(reference=data["reference"]).exists()


def test_the_agreement_page_shows_the_promises_and_the_follow_up_arrangement(coordinator, promise):
    page = coordinator.get(promise.get_absolute_url()).text
    assert page.count(f"<h3>{POLICE_PROMISE}</h3>") == 1 and '<ol class="promises">' in page
    assert "Tillsammans med Strängnäs Bostads AB, Räddningstjänsten Mälardalen" in page
    assert 'href="#uppfoljning"' in page and 'id="uppfoljning"' in page
    assert FOLLOW_UP["reported_to"] in page


def test_compare_versions_shows_a_changed_heading_and_follow_up_arrangement(promise):
    old = export_document(agreements_for_export([promise.pk]))["agreements"][0]
    promise.follow_up_how_often = "Varje kvartal"
    promise.save()
    ActionItem.objects.filter(plan__agreement=promise, position=1).update(
        group_heading="Lokalpolisen lovar att"
    )
    new = export_document(agreements_for_export([promise.pk]))["agreements"][0]
    with translation.override("sv"):
        facts, *_middle, rows = compare(old, new)
    said = " ".join(f"{change.old} {change.new}" for change in facts.changes)
    assert "Så följs överenskommelsen upp" in said
    assert "<del>tertial</del>" in said and "<ins>kvartal</ins>" in said
    said = " ".join(f"{cell.old} {cell.new}" for change in rows.changes for cell in change.cells)
    assert "Polisen</del> lovar att" in said and "alpolisen</ins> lovar att" in said


def test_a_fuller_medborgarlofte_still_prints_on_two_pages(db):
    """Nine promises, two dialogues and three sections of a few paragraphs each."""
    data = citizen_promise()
    data["action_plans"][0]["items"] += [
        promise_row(POLICE_PROMISE, "motverka langning till unga vid skolavslutningar"),
        promise_row(MUNICIPALITY_PROMISE, "rusta upp lekplatsen i Finninge med ny belysning"),
    ]
    paragraph = (
        "Arbetet utgår från den gemensamma lägesbilden och från det invånarna berättat om "
        "var och när de känner sig otrygga. Kommunen och polisen träffas varje månad."
    )
    data["sections"] += [
        {"heading": "Bakgrund", "body": f"{paragraph}\n\n{paragraph}"},
        {"heading": "Samverkan", "body": f"{paragraph}\n\n{paragraph}\n\n{paragraph}"},
    ]
    data["status"] = "signed"  # printed as of today, with the note that says so
    data["signatories"][0].update(place="Strängnäs", signed_on="2026-01-20")
    (agreement,) = import_document(document(data))
    content = agreement_pdf(agreement)
    assert page_count(content) == 2 and "Strängnäs 2026-01-20" in pdf_text(content)
    assert "9. " not in pdf_text(content)  # numbered under each heading, not through


def test_a_medborgarlofte_under_an_agreement_says_so_in_its_heading(demo, promise):
    promise.part_of = demo["strangnas-2020"]
    promise.save()
    head = html_of(promise).split('class="promise-head"')[1].split("</header>")[0]
    assert f"Del av {demo['strangnas-2020'].title}" in head


def test_focus_areas_beside_promises_are_printed_as_their_own_block(promise):
    FocusArea.objects.create(
        agreement=promise, position=1, title="Trygg offentlig miljö", goals="Färre otrygga"
    )
    html = html_of(promise)
    assert 'id="focus-areas"' in html and "Trygg offentlig miljö" in html
