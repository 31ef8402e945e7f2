"""The agreement on paper: every word of each seed agreement, the page furniture (running
header, "Sida X av Y", UTKAST on drafts), metadata, fonts, a 500-row plan with no row split
between pages, and the agreement_pdf command."""

import re
import shutil
import subprocess
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from helpers import pdf_text, pdf_words, squeeze
from pypdf import PdfReader

from actionplans.models import ActionItem
from agreements.models import Agreement
from exchange.copying import copy_agreement
from organisations.models import Organisation
from printing.agreement_document import document_queryset
from printing.documents import agreement_pdf, plan_pdf

SEEDS = ["harnosand-2012", "sandviken-2015", "sollentuna-2023", "strangnas-2020", "timra-2017"]
LIST_MARK = re.compile(r"^(- |\d+\. )")


def pages(content: bytes) -> list[str]:
    """Each page's text, squeezed (pdftotext ends every page with a form feed)."""
    result = subprocess.run(
        [shutil.which("pdftotext"), "-raw", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return [squeeze(page) for page in result.stdout.decode().split("\f")[:-1]]


def printed_texts(agreement) -> list[str]:
    """Everything of the seed that the paper must carry."""
    agreement = document_queryset().get(pk=agreement.pk)
    texts = [agreement.title, agreement.subtitle]
    for section in agreement.sections.all():
        texts.append(section.heading)
        texts += [LIST_MARK.sub("", line) for line in section.body.splitlines()]
    picture = getattr(agreement, "problem_picture", None)
    if picture:
        texts += [picture.title, picture.summary, picture.period_note]
        for area in picture.areas.all():
            texts.append(area.title)
            for item in area.items.all():
                texts += [item.text, item.probable_causes]
        texts += [source.title for source in picture.sources.all()]
    if agreement.overall_goals.all():
        texts.append(agreement.overall_goals_heading_shown)
        texts += [goal.text for goal in agreement.overall_goals.all()]
    for area in agreement.focus_areas.all():
        texts += [area.title, area.goals, *area.background.splitlines()]
    for plan in agreement.action_plans.all():
        texts += [plan.title, *plan.introduction.splitlines()]
        for item in plan.items.all():
            texts += [item.activity, item.when_text, item.responsible_text, item.communication]
            if not item.continues_goal_above:
                texts.append(item.goal)
            texts += [r.description for r in item.responsibilities.all()]
    for signatory in agreement.signatories.all():
        texts += [signatory.name, signatory.title]
    for party in agreement.parties.all():
        texts.append(party.shown_name)  # as the document names it
    return [text for text in texts if text and text.strip()]


@pytest.fixture(scope="module")
def seed_pdfs(django_db_blocker, production_static):
    """Each seed's PDF, rendered once for the module, with production's static storage
    (collectstatic's hashed names): what every frozen version is printed with."""
    from django.test import override_settings

    from agreements.models import Agreement

    with django_db_blocker.unblock(), override_settings(**production_static):
        return {
            agreement.reference: agreement_pdf(agreement)
            for agreement in Agreement.objects.filter(reference__in=SEEDS)
        }


@pytest.mark.parametrize("reference", SEEDS)
def test_the_pdf_carries_every_word_of_the_seed(demo, seed_pdfs, reference):
    words = pdf_words(seed_pdfs[reference])
    missing = [text for text in printed_texts(demo[reference]) if squeeze(text) not in words]
    assert missing == []


@pytest.mark.parametrize("reference", SEEDS)
def test_every_page_has_the_running_header_and_sida_x_av_y(demo, seed_pdfs, reference):
    content = seed_pdfs[reference]
    texts = pages(content)
    title = squeeze(demo[reference].title)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Sida{number}av{len(texts)}" in text
        if number > 1:  # the title page has the title as its heading instead
            assert title in text, number
    # Signed or expired agreements are not drafts: no UTKAST anywhere.
    assert not any("UTKAST" in text for text in texts)


def test_the_contents_list_the_sections_appendices_and_their_pages(demo, seed_pdfs):
    text = pdf_text(seed_pdfs["strangnas-2020"])
    contents = text[text.index("Innehåll") : text.index("Sida 2 av")]
    for section in demo["strangnas-2020"].sections.exclude(heading=""):
        assert re.search(rf"{re.escape(section.heading)} ?\.+ \d+", contents), section.heading
    assert re.search(r"Underskrifter \.+ \d+", contents)
    assert re.search(r"Bilaga 1: Handlingsplan för Strängnäs[^.]* \.+ \d+", contents)


@pytest.mark.parametrize("reference", SEEDS)
def test_metadata_title_language_parties_and_fonts_are_embedded(demo, seed_pdfs, reference):
    content = seed_pdfs[reference]
    reader = PdfReader(BytesIO(content))
    agreement = demo[reference]
    assert reader.metadata.title == agreement.title
    for party in agreement.parties.all():
        assert party.shown_name in reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    fonts = subprocess.run(
        [shutil.which("pdffonts"), "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("Source-Serif-4" in name or "Source-Sans-3" in name for name in names)
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # embedded


def test_words_are_hyphenated_the_swedish_way(demo, seed_pdfs):
    raw = subprocess.run(
        [shutil.which("pdftotext"), "-raw", "-", "-"],
        input=seed_pdfs["harnosand-2012"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    source = " ".join(printed_texts(demo["harnosand-2012"])).lower()
    broken = re.findall(r"(\w+)-\n(\w+)", raw)
    hyphenated = [a + b for a, b in broken if re.search(rf"\b{a + b}\b", source, re.I)]
    assert len(hyphenated) >= 5, broken


def test_a_draft_says_utkast_on_every_page(demo):
    draft = copy_agreement(demo["strangnas-2020"])
    texts = pages(agreement_pdf(draft))
    assert len(texts) >= 3
    assert all("UTKAST" in text for text in texts)


def test_a_municipalitys_pdf_has_the_agreement_and_only_its_own_plan(demo):
    agreement = demo["sollentuna-2023"]
    vasby = Organisation.objects.get(name="Upplands Väsby")
    words = pdf_words(agreement_pdf(agreement, municipality=vasby))
    assert squeeze("Åtgärdsplan för Upplands Väsby kommun") in words
    assert squeeze("Åtgärdsplan för Sigtuna kommun") not in words
    assert squeeze(agreement.sections.first().heading) in words


def test_an_action_plans_own_pdf(demo):
    agreement = demo["harnosand-2012"]
    plan = agreement.action_plans.get()
    content = plan_pdf(agreement, plan.pk)
    words = pdf_words(content)
    for item in plan.items.all():
        assert squeeze(item.activity) in words
    # The plan starts on the first page (an appendix's page break does not apply here).
    assert squeeze(plan.title) in pages(content)[0]


def test_a_500_row_plan_prints_with_its_header_on_every_page_and_no_row_split(demo):
    agreement = demo["harnosand-2012"]
    plan = agreement.action_plans.get()
    plan.items.all().delete()
    # Rows of different heights, each with a text found nowhere else.
    ActionItem.objects.bulk_create(
        ActionItem(
            plan=plan,
            position=n,
            focus_area=None,
            goal=f"Mål nummer {n:03d}",
            activity=f"Rad{n:03d}slut " + "samverkan mellan kommun och polis " * (n % 5 + 1),
            when_text="Under 2012",
            responsible_text="Polis och kommun",
        )
        for n in range(1, 501)
    )
    texts = pages(agreement_pdf(agreement))
    first_table_page = next(i for i, text in enumerate(texts) if "Rad001slut" in text)
    table_pages = texts[first_table_page:]
    assert len(table_pages) >= 20
    for text in table_pages:
        assert "MålAktivitetNärAnsvarig" in text
    for n in range(1, 501):
        row = squeeze(
            f"Mål nummer {n:03d} Rad{n:03d}slut "
            + "samverkan mellan kommun och polis " * (n % 5 + 1)
        )
        holding = [i for i, text in enumerate(table_pages) if row in text]
        assert len(holding) == 1, f"row {n} is split or missing"


def test_the_agreement_pdf_command_writes_one_file_or_one_per_agreement(demo, tmp_path):
    agreement = demo["timra-2017"]
    call_command("agreement_pdf", str(agreement.pk), "-o", str(tmp_path / "one.pdf"))
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF-")
    call_command("agreement_pdf", "--all", "-o", str(tmp_path / "all"))
    # The seeds and the demo's citizen promises of this year: one file each.
    references = Agreement.objects.values_list("reference", flat=True)
    assert set(SEEDS) < set(references)
    assert sorted(path.name for path in (tmp_path / "all").iterdir()) == sorted(
        f"{reference}.pdf" for reference in references
    )
    with pytest.raises(CommandError, match="Ange antingen en överenskommelses id eller --all"):
        call_command("agreement_pdf", "-o", str(tmp_path / "none.pdf"))
    with pytest.raises(CommandError, match="Ingen överenskommelse har id 0"):
        call_command("agreement_pdf", "0", "-o", str(tmp_path / "none.pdf"))
