"""Writing a draft agreement: created from scratch or as a copy, its facts and parts
edited in place (HTMX) and by plain forms, sections versioned against lost updates."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import count_queries

from actionplans.models import ActionPlan
from agreements.models import (
    Agreement,
    AgreementStatus,
    ProblemArea,
    ProblemItem,
    Section,
    Signatory,
)
from exchange.copying import copy_agreement
from pages.drafting import PART_KINDS

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(demo):
    """A draft copy of the Strängnäs agreement, which itself has expired."""
    return copy_agreement(demo["strangnas-2020"])


def part_url(name, agreement, kind, part):
    return reverse(name, args=[agreement.pk, kind, part.pk])


def section_data(section, **changes) -> dict:
    data = {
        "version": section.version,
        "heading": section.heading,
        "body": section.body,
        "embed": section.embed,
    }
    # What the browser posts with each field: the value the form was opened with.
    data.update({f"initial-{name}": value for name, value in data.items() if name != "version"})
    data.update(changes)
    return data


def test_a_coordinator_creates_a_draft_from_scratch(coordinator, personas, demo):
    page = coordinator.get(reverse("agreement_create")).text
    assert "Ny överenskommelse" in page
    organisation = personas.coordinator.memberships.get().organisation
    refused = coordinator.post(reverse("agreement_create"), {"organisation": organisation.pk})
    assert "Detta fält måste fyllas i." in refused.text
    response = coordinator.post(
        reverse("agreement_create"),
        {"title": "Trygg i Strängnäs 2027", "organisation": organisation.pk},
    )
    agreement = Agreement.objects.get(title="Trygg i Strängnäs 2027")
    assert response.url == reverse("draft_editor", args=[agreement.pk])
    assert agreement.status == AgreementStatus.DRAFT
    assert [party.organisation for party in agreement.parties.all()] == [organisation]
    assert "Trygg i Strängnäs 2027" in coordinator.get(response.url).text


def test_a_copy_holds_everything_but_the_signatures_and_leaves_the_original(coordinator, demo):
    original = demo["strangnas-2020"]
    response = coordinator.post(reverse("agreement_copy", args=[original.pk]))
    copy = Agreement.objects.exclude(pk__in=[a.pk for a in demo.values()]).get()
    assert response.url == reverse("draft_editor", args=[copy.pk])
    assert copy.status == AgreementStatus.DRAFT and copy.title.startswith("Kopia av ")
    for related in ("sections", "parties", "focus_areas", "action_plans"):
        assert getattr(copy, related).count() == getattr(original, related).count(), related
    assert [s.body for s in copy.sections.all()] == [s.body for s in original.sections.all()]
    copied_rows = copy.action_plans.get().items.values_list("activity", flat=True)
    assert list(copied_rows) == list(
        original.action_plans.get().items.values_list("activity", flat=True)
    )
    assert not copy.signatories.exists() and original.signatories.exists()
    # What was done under the original is its own: the copy's rows start afresh.
    assert original.action_plans.get().items.filter(follow_up_entries__isnull=False).exists()
    assert not copy.action_plans.get().items.filter(follow_up_entries__isnull=False).exists()
    assert set(copy.action_plans.get().items.values_list("status", flat=True)) == {"not_started"}
    original.refresh_from_db()
    assert original.status == AgreementStatus.SIGNED


def test_the_copy_of_an_agreement_with_a_problem_picture_copies_its_problems(demo):
    original = demo["timra-2017"]
    copy = copy_agreement(original)
    assert ProblemItem.objects.filter(area__problem_picture__agreement=copy).count() == (
        ProblemItem.objects.filter(area__problem_picture__agreement=original).count()
    )


def test_facts_are_edited_in_place_with_swedish_errors_and_input_kept(coordinator, draft):
    url = reverse("draft_facts", args=[draft.pk])
    form = coordinator.get(url, headers=HTMX).text
    assert "<html" not in form and 'name="title"' in form
    data = {
        "title": "Nytt namn",
        "valid_from": "2024-01-01",
        "valid_until": "2023-01-01",
        "renewal_rule": "fixed_end",
        "version": draft.edit_version,
    }
    refused = coordinator.post(url, data, headers=HTMX).text
    assert "Nytt namn" in refused and 'aria-invalid="true"' in refused
    assert re.search(r'class="field-error"[^>]*>[^<]*före', refused)
    draft.refresh_from_db()
    assert draft.title != "Nytt namn"
    saved = coordinator.post(url, {**data, "valid_until": "2026-12-31"}, headers=HTMX).text
    assert "<h1>Nytt namn</h1>" in saved
    draft.refresh_from_db()
    assert draft.title == "Nytt namn" and str(draft.valid_until) == "2026-12-31"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_sections_are_added_edited_moved_and_deleted(coordinator, draft, headers):
    create = reverse("part_create", args=[draft.pk, "avsnitt"])
    response = coordinator.post(
        create, {"heading": "Skolans roll", "body": "Varje år.", "embed": ""}, headers=headers
    )
    added = draft.sections.get(heading="Skolans roll")
    assert added.position == max(draft.sections.values_list("position", flat=True))
    if headers:
        assert "<html" not in response.text and "Skolans roll" in response.text
    else:
        assert response.status_code == 302

    edit = part_url("part_edit", draft, "avsnitt", added)
    coordinator.post(edit, section_data(added, body="Två gånger om året."), headers=headers)
    added.refresh_from_db()
    assert added.body == "Två gånger om året." and added.version == 2

    before = list(draft.sections.values_list("heading", flat=True))
    coordinator.post(
        part_url("part_move", draft, "avsnitt", added), {"direction": "up"}, headers=headers
    )
    after = list(draft.sections.values_list("heading", flat=True))
    assert after[-2] == "Skolans roll" and after[-1] == before[-2]

    confirm = coordinator.get(part_url("part_delete", draft, "avsnitt", added), headers=headers)
    assert "Vill du ta bort följande avsnitt?" in confirm.text
    coordinator.post(part_url("part_delete", draft, "avsnitt", added), headers=headers)
    assert not draft.sections.filter(heading="Skolans roll").exists()


def test_two_editors_of_one_section_see_both_versions(personas, draft):
    section = draft.sections.order_by("position").first()
    first, second = Client(), Client()
    first.force_login(personas.coordinator)
    second.force_login(personas.kommunpolis)
    opened = section_data(section)
    url = part_url("part_edit", draft, "avsnitt", section)
    first.post(url, {**opened, "heading": "Bakgrund och syfte"})
    conflict = second.post(url, {**opened, "body": "Min nya text."}, headers=HTMX).text
    assert "Någon annan har sparat en ändring här sedan du öppnade formuläret" in conflict
    compared = conflict.split('<table class="compare">')[1].split("</table>")[0]
    assert "Min nya text." in compared and "Bakgrund och syfte" not in compared
    section.refresh_from_db()
    assert section.heading == "Bakgrund och syfte" and section.body != "Min nya text."
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', conflict))
    second.post(
        url, {**fields, "heading": "Bakgrund och syfte", "body": "Min nya text.", "embed": ""}
    )
    section.refresh_from_db()
    assert (section.heading, section.body, section.version) == (
        "Bakgrund och syfte",
        "Min nya text.",
        3,
    )


def test_problem_picture_sources_areas_and_problems(client, user, demo):
    draft = copy_agreement(demo["timra-2017"])
    picture = draft.problem_picture
    coordinator = client
    coordinator.force_login(user("samordnare.timra"))
    create_area = reverse("part_create", args=[draft.pk, "omrade"])
    coordinator.post(create_area, {"title": "Otrygghet i centrum"})
    area = picture.areas.get(title="Otrygghet i centrum")
    create_item = reverse("part_create", args=[draft.pk, "problem"]) + f"?i={area.pk}"
    coordinator.post(create_item, {"text": "Stökigt vid busstorget", "probable_causes": ""})
    assert area.items.get().text == "Stökigt vid busstorget"
    create_source = reverse("part_create", args=[draft.pk, "kalla"])
    coordinator.post(create_source, {"kind": "statistics", "title": "BRÅ:s NTU 2016"})
    assert picture.sources.filter(title="BRÅ:s NTU 2016").exists()
    edit_picture = reverse("draft_picture", args=[draft.pk])
    coordinator.post(
        edit_picture, {"title": "Problembild 2017", "summary": "Kort.", "version": picture.version}
    )
    picture.refresh_from_db()
    assert picture.title == "Problembild 2017"
    page = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert "Stökigt vid busstorget" in page and "BRÅ:s NTU 2016" in page


def test_focus_areas_and_parties(coordinator, draft):
    create = reverse("part_create", args=[draft.pk, "fokusomrade"])
    coordinator.post(create, {"title": "Trygg trafik", "category": "", "goals": "Färre olyckor"})
    assert draft.focus_areas.filter(title="Trygg trafik").exists()
    party = draft.parties.order_by("position").last()
    data = {
        "organisation": party.organisation_id,
        "role": party.role,
        "label": "Polisen",
        "version": party.version,
    }
    coordinator.post(part_url("part_edit", draft, "part", party), data)
    party.refresh_from_db()
    assert party.label == "Polisen"


def test_only_drafts_change_and_only_by_their_editors(client, user, personas, demo, draft):
    signed = demo["strangnas-2020"]
    client.force_login(personas.coordinator)
    assert client.get(reverse("draft_editor", args=[signed.pk])).status_code == 403
    client.force_login(personas.reader)
    assert client.get(reverse("draft_editor", args=[draft.pk])).status_code == 403
    section = draft.sections.first()
    url = part_url("part_edit", draft, "avsnitt", section)
    assert client.post(url, section_data(section, heading="X")).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(reverse("draft_editor", args=[draft.pk])).status_code == 404
    other = demo["harnosand-2012"].sections.first()
    client.force_login(personas.coordinator)
    wrong = reverse("part_edit", args=[draft.pk, "avsnitt", other.pk])
    assert client.get(wrong).status_code == 404
    assert Section.objects.get(pk=section.pk).heading != "X"


def test_the_editor_runs_as_many_queries_for_many_parts_as_for_few(coordinator, draft):
    url = reverse("draft_editor", args=[draft.pk])
    few = count_queries(coordinator, url)
    Section.objects.bulk_create(
        Section(agreement=draft, position=100 + n, heading=f"Avsnitt {n}") for n in range(50)
    )
    Signatory.objects.bulk_create(
        Signatory(agreement=draft, party=party, position=100 + n, name=f"Namn {n}")
        for n, party in enumerate(list(draft.parties.all()) * 10)
    )
    assert count_queries(coordinator, url) == few


@pytest.fixture
def timra_draft(client, user, demo):
    """A draft of Timrå's agreement with a part of every kind, its coordinator logged in."""
    draft = copy_agreement(demo["timra-2017"])
    client.force_login(user("samordnare.timra"))
    create = {kind: reverse("part_create", args=[draft.pk, kind]) for kind in PART_KINDS}
    client.post(create["omrade"], {"title": "Otrygghet i centrum"})
    area = draft.problem_picture.areas.get(title="Otrygghet i centrum")
    client.post(create["problem"] + f"?i={area.pk}", {"text": "Stökigt", "probable_causes": ""})
    client.post(create["kalla"], {"kind": "statistics", "title": "NTU"})
    client.post(create["fokusomrade"], {"title": "Trygg trafik", "category": "", "goals": ""})
    client.post(create["mal"], {"text": "Ökad trygghet i centrum"})
    client.post(create["mal"], {"text": "Färre brott"})
    for party in draft.parties.order_by("position"):
        client.post(create["underskrift"], {"name": "Kim Ek", "party": party.pk, "title": "KSO"})
    return draft


@pytest.mark.parametrize("slug", list(PART_KINDS))
def test_every_kind_of_part_is_moved_in_place_with_its_list(client, timra_draft, slug):
    """The list a move answers with is each kind's own, loaded by what the registry says it
    shows (a lazily fetched organisation would fail the test: RAISE_ON_LAZY_FETCH)."""
    kind = PART_KINDS[slug]
    part = kind.parts_of(timra_draft).order_by("-position").first()
    url = part_url("part_move", timra_draft, slug, part)
    response = client.post(url, {"direction": "up"}, headers=HTMX)
    assert response.status_code == 200
    assert f'id="{kind.list_id(getattr(part, f"{kind.parent}_id"))}"' in response.text
    assert f'id="{slug}-{part.pk}"' in response.text


def test_the_problem_areas_take_as_many_queries_for_many_areas_as_for_one(client, timra_draft):
    picture = timra_draft.problem_picture
    area = picture.areas.get(title="Otrygghet i centrum")
    url = part_url("part_move", timra_draft, "omrade", area)

    def moved() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, {"direction": "up"}, headers=HTMX).status_code == 200
        return len(queries)

    few = moved()
    ProblemArea.objects.bulk_create(
        ProblemArea(problem_picture=picture, position=100 + n, title=f"Område {n}")
        for n in range(20)
    )
    assert moved() == few


def test_only_the_party_is_kept_from_removal_by_the_registry(draft):
    assert PART_KINDS["avsnitt"].why_it_stays(draft.sections.first()) == ""
    party = draft.parties.order_by("position").first()
    assert PART_KINDS["part"].why_it_stays(party) == ""
    plan = draft.action_plans.get()
    ActionPlan.objects.filter(pk=plan.pk).update(municipality=party.organisation)
    assert plan.title in PART_KINDS["part"].why_it_stays(party)


@pytest.mark.parametrize("slug", sorted(PART_KINDS))
def test_every_kind_of_part_is_shown_by_a_template_of_its_own(slug):
    from django.template.loader import get_template

    assert get_template(PART_KINDS[slug].shown_with)
