"""A follow-up report's assessment: each signing party's fulfilment of its commitments
(grön / gul / röd with a comment), and per activity whether it was done (process) and whether
it worked (effect), kept apart. Edited while the report is a draft by those who may edit it,
frozen when it is final, shown on the report page and in its PDF, carried in JSON."""

import datetime

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import pdf_text

from agreements.models import PartyRole
from exchange.export import agreements_for_export, export_document
from exchange.importer import DocumentError, import_document, schema
from followup.models import (
    ActivityAssessment,
    FollowUpReport,
    PartyFulfilment,
    ReportFinalError,
)
from followup.report import build_contents

HTMX = {"HX-Request": "true"}


@pytest.fixture
def report(demo):
    return FollowUpReport.objects.create(
        agreement=demo["strangnas-2020"],
        title="Uppföljning 2022",
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 12, 31),
    )


def assessment_url(report):
    return reverse("report_assessment", args=[report.agreement_id, report.pk])


def detail_url(report):
    return reverse("report_detail", args=[report.agreement_id, report.pk])


def parties_and_rows(report):
    agreement = report.agreement
    parties = list(agreement.parties.exclude(role=PartyRole.PARTICIPANT).order_by("position"))
    items = list(
        agreement.action_plans.get().items.order_by("position").values_list("pk", flat=True)
    )
    return parties, items


def form_data(report, **changes) -> dict:
    """What the assessment page, opened with nothing assessed, posts with `changes`: each
    field with the value it was opened with beside it (Django's hidden initial)."""
    parties, items = parties_and_rows(report)
    names = [f"party_{party.pk}_{cell}" for party in parties for cell in ("rating", "comment")]
    names += [f"item_{item}_{cell}" for item in items for cell in ("process", "effect", "comment")]
    return {name: "" for name in names} | {f"initial-{name}": "" for name in names} | changes


def assess(client, report, **changes):
    return client.post(assessment_url(report), form_data(report, **changes))


def test_an_editor_assesses_the_parties_and_the_activities(coordinator, report):
    parties, items = parties_and_rows(report)
    municipality, police = parties
    page = coordinator.get(assessment_url(report)).text
    assert "Hur Strängnäs kommun uppfyllde sina åtaganden" in page
    assert "grön: uppfyllt" in page and "gul: delvis uppfyllt" in page
    assert "Genomfördes den?" in page and "Gav den effekt?" in page
    response = assess(
        coordinator,
        report,
        **{
            f"party_{municipality.pk}_rating": "green",
            f"party_{municipality.pk}_comment": "Alla möten hölls.",
            f"party_{police.pk}_rating": "red",
            f"item_{items[0]}_process": "done",
            f"item_{items[0]}_effect": "none",
            f"item_{items[0]}_comment": "Genomförd som planerat men utan märkbar effekt.",
        },
    )
    assert response.status_code == 302
    assert response.url == detail_url(report) + "#bedomning"
    assert PartyFulfilment.objects.get(report=report, party=municipality).rating == "green"
    assert PartyFulfilment.objects.get(report=report, party=police).rating == "red"
    # Only what was assessed is stored: the other rows have nothing.
    assessment = ActivityAssessment.objects.get(report=report)
    assert (assessment.item_id, assessment.process, assessment.effect) == (items[0], "done", "none")
    page = coordinator.get(detail_url(report)).text
    # The rating in words (the colour only repeats it); process and effect apart.
    assert '<span class="rating rating-green">Grön: uppfyllt</span>' in page
    assert '<span class="rating rating-red">Röd: inte uppfyllt</span>' in page
    assert "Alla möten hölls." in page
    assert "Genomfördes den? <strong>genomförd</strong>" in page
    assert "Gav den effekt? <strong>ingen effekt</strong>" in page
    assert "Genomförd som planerat men utan märkbar effekt." in page


def test_htmx_saves_and_returns_the_form_with_a_message(coordinator, report):
    parties, _items = parties_and_rows(report)
    response = coordinator.post(
        assessment_url(report),
        form_data(report, **{f"party_{parties[0].pk}_rating": "yellow"}),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Bedömningen sparades." in response.text
    assert f'value="yellow" id="id_party_{parties[0].pk}_rating_2" checked>' in response.text
    assert PartyFulfilment.objects.get(report=report, party=parties[0]).rating == "yellow"


def test_only_changed_cells_are_written_so_two_editors_keep_theirs(client, personas, report):
    parties, items = parties_and_rows(report)
    opened = form_data(report)  # both open the page with nothing assessed
    client.force_login(personas.coordinator)
    client.post(assessment_url(report), opened | {f"party_{parties[0].pk}_rating": "green"})
    client.force_login(personas.kommunpolis)
    client.post(assessment_url(report), opened | {f"item_{items[1]}_effect": "too_early"})
    assert PartyFulfilment.objects.get(report=report, party=parties[0]).rating == "green"
    assert ActivityAssessment.objects.get(report=report, item_id=items[1]).effect == "too_early"


def test_an_unchanged_comment_of_several_lines_is_not_written_over_a_newer_one(coordinator, report):
    parties, _items = parties_and_rows(report)
    name = f"party_{parties[0].pk}_comment"
    PartyFulfilment.objects.create(report=report, party=parties[0], comment="Rad ett\nRad två")
    opened = form_data(report) | {f"initial-{name}": "Rad ett\nRad två"}
    PartyFulfilment.objects.filter(report=report).update(comment="Ändrad av en annan")
    # The browser posts the textarea's lines with CR LF: the same text as opened.
    assess(coordinator, report, **(opened | {name: "Rad ett\r\nRad två"}))
    assert PartyFulfilment.objects.get(report=report).comment == "Ändrad av en annan"


def test_bad_values_are_refused_in_swedish_and_nothing_is_written(coordinator, report):
    parties, items = parties_and_rows(report)
    response = assess(
        coordinator,
        report,
        **{
            f"party_{parties[0].pk}_rating": "purple",
            f"party_{parties[1].pk}_rating": "green",
            f"item_{items[0]}_process": "x" * 50,
            f"item_{items[0]}_comment": "å" * 2001,
        },
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.text
    assert "som mest 2000 tecken (den har 2001)" in response.text
    assert "Några svar kunde inte sparas" in response.text
    assert not PartyFulfilment.objects.exists() and not ActivityAssessment.objects.exists()


def test_readers_may_not_assess_and_outsiders_do_not_see_the_report(client, personas, report):
    client.force_login(personas.reader)
    assert client.get(assessment_url(report)).status_code == 403
    assert assess(client, report).status_code == 403
    page = client.get(detail_url(report)).text
    assert "Parternas uppfyllelse av sina åtaganden" in page
    assert assessment_url(report) not in page  # no way to assess
    client.force_login(personas.outsider)
    assert client.get(assessment_url(report)).status_code == 404


def test_the_assessment_is_frozen_when_the_report_is_final(coordinator, report):
    parties, items = parties_and_rows(report)
    assess(
        coordinator,
        report,
        **{
            f"party_{parties[0].pk}_rating": "yellow",
            f"party_{parties[0].pk}_comment": "Delvis.",
            f"item_{items[0]}_process": "partly",
            f"item_{items[0]}_effect": "some",
        },
    )
    assert report.finalise(build_contents(report), timezone.localdate())
    fulfilments = report.snapshot["fulfilments"]
    assert fulfilments[0] == {
        "party": "Strängnäs kommun",
        "rating": "yellow",
        "rating_label": "gul: delvis uppfyllt",
        "comment": "Delvis.",
    }
    rows = [row for group in report.snapshot["groups"] for row in group["rows"]]
    (assessed,) = [row for row in rows if row["assessment"]["process"]]
    assert assessed["activity"] == "SIG Sociala insatsgrupper"
    assert assessed["assessment"]["process_label"] == "delvis genomförd"
    assert assessed["assessment"]["effect_label"] == "viss effekt"
    # The page now only shows it, and a form opened before cannot write.
    response = coordinator.get(assessment_url(report))
    assert response.status_code == 302 and response.url.endswith("#bedomning")
    late = assess(coordinator, report, **{f"party_{parties[0].pk}_rating": "red"})
    assert late.status_code == 302
    assert PartyFulfilment.objects.get(report=report, party=parties[0]).rating == "yellow"
    page = coordinator.get(detail_url(report)).text
    assert "Gul: delvis uppfyllt" in page and assessment_url(report) not in page
    # Below the forms the rows refuse every change too.
    fulfilment = PartyFulfilment.objects.get(report=report, party=parties[0])
    fulfilment.rating = "red"
    with pytest.raises(ReportFinalError):
        fulfilment.save()
    with pytest.raises(ReportFinalError):
        fulfilment.delete()
    with pytest.raises(ReportFinalError):
        ActivityAssessment.objects.filter(report=report).update(effect="none")
    with pytest.raises(ReportFinalError):
        ActivityAssessment.objects.create(report=report, item_id=items[1], process="done")
    with pytest.raises(ReportFinalError):
        PartyFulfilment.objects.filter(report=report).delete()


def test_a_final_report_shows_its_assessment_as_frozen(coordinator, report):
    _parties, items = parties_and_rows(report)
    assess(coordinator, report, **{f"item_{items[0]}_effect": "effect"})
    report.finalise(build_contents(report), timezone.localdate())
    # Changed below every check, the final report still shows what it froze.
    ActivityAssessment._base_manager.filter(report=report).update(effect="none")
    page = coordinator.get(detail_url(report)).text
    assert "Gav den effekt? <strong>effekt</strong>" in page


def test_the_pdf_has_the_fulfilment_and_the_assessment(client, personas, report):
    parties, items = parties_and_rows(report)
    client.force_login(personas.coordinator)
    assess(
        client,
        report,
        **{
            f"party_{parties[1].pk}_rating": "green",
            f"party_{parties[1].pk}_comment": "Polisen deltog i alla SIG-möten.",
            f"item_{items[0]}_process": "not_done",
            f"item_{items[0]}_effect": "too_early",
        },
    )
    client.force_login(personas.reader)
    response = client.get(reverse("report_pdf", args=[report.agreement_id, report.pk]))
    text = pdf_text(response.content)
    for expected in (
        "Parternas uppfyllelse av sina åtaganden",
        "Grön: uppfyllt",
        "Polisen deltog i alla SIG-möten.",
        "Inte bedömd",
        "Genomfördes den? inte genomförd",
        "Gav den effekt? för tidigt att säga",
    ):
        assert expected in text, expected


def test_json_carries_the_assessment_and_refuses_a_bad_one(coordinator, report):
    parties, items = parties_and_rows(report)
    assess(
        coordinator,
        report,
        **{
            f"party_{parties[0].pk}_rating": "green",
            f"item_{items[1]}_process": "done",
            f"item_{items[1]}_effect": "some",
            f"item_{items[1]}_comment": "Bra.",
        },
    )
    document = export_document(agreements_for_export([report.agreement_id]))
    jsonschema.validate(document, schema(2))
    (exported,) = document["agreements"][0]["follow_up_reports"]
    assert exported["fulfilments"] == [
        {
            "organisation": exported["fulfilments"][0]["organisation"],
            "rating": "green",
            "comment": "",
        }
    ]
    assert exported["activity_assessments"] == [
        {"item": "1.2", "process": "done", "effect": "some", "comment": "Bra."}
    ]
    document["agreements"][0]["reference"] = "strangnas-kopia"
    exported["status"] = "final"  # a final report arrives with its assessment, frozen
    exported["finalised_on"] = "2023-02-01"
    (imported,) = import_document(document)
    copy = imported.follow_up_reports.get()
    assert copy.is_final
    assert copy.fulfilments.get().rating == "green"
    assert copy.activity_assessments.get().item.position == 2
    exported["activity_assessments"].append(dict(exported["activity_assessments"][0]))
    exported["activity_assessments"].append({"item": "1.99", "process": "done"})
    document["agreements"][0]["reference"] = "strangnas-kopia-2"
    with pytest.raises(DocumentError) as refused:
        import_document(document)
    text = " ".join(refused.value.messages)
    assert "aktiviteten bedöms två gånger" in text
    assert "1.99" in text
