"""Klar för underskrift checks the draft first: it refuses while something Brå says an
agreement must contain is missing (or a signatory, a row, a problem's row), and shows the
warnings an editor confirms having seen; the confirmation is recorded. Signatories are
written in the draft editor and printed under the signature lines."""

import re

import pytest
from django.urls import reverse
from helpers import complete_for_signing, pdf_text, strangnas_draft

from actionplans.models import ActionItem, ActionPlan
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    FocusArea,
    Party,
    PartyRole,
    ProblemItem,
    Signatory,
)
from printing.documents import agreement_pdf
from signing import lifecycle, readiness
from signing.models import AgreementVersion, EventKind

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(demo):
    """Strängnäs' agreement copied for 2026–2029 and completed for signing."""
    agreement = strangnas_draft(demo)
    complete_for_signing(agreement)
    return agreement


def codes(agreement, severity=None) -> set[str]:
    return {
        finding.code
        for finding in readiness.check_before_signing(agreement)
        if severity is None or finding.severity == severity
    }


def seen(agreement) -> set[str]:
    return codes(agreement, readiness.WARNING)


def test_a_completed_draft_has_nothing_required_missing(draft):
    assert codes(draft, readiness.REQUIRED) == set()


def _no_problems(draft):
    ProblemItem.objects.filter(area__problem_picture__agreement=draft).delete()
    return "problems"


def _no_causes(draft):
    problem = ProblemItem.objects.filter(area__problem_picture__agreement=draft).first()
    problem.probable_causes = "  "
    problem.save()
    return f"causes:{problem.pk}"


def _no_goals(draft):
    draft.overall_goals.all().delete()
    draft.focus_areas.update(goals="")
    ActionItem.objects.filter(plan__agreement=draft).update(goal="")
    return "goals"


def _nothing_measurable(draft):
    draft.indicators.all().delete()
    return "measurable"


def _not_documented(draft):
    draft.sections.filter(body__icontains="dokumenter").delete()
    return "documented"


def _not_followed_up(draft):
    Agreement.objects.filter(pk=draft.pk).update(**dict.fromkeys(Agreement.FOLLOW_UP_FIELDS, ""))
    for section in draft.sections.filter(heading__icontains="uppfölj"):
        section.heading = "Avstämning"
        section.save()
    return "followed_up"


def _no_period(draft):
    Agreement.objects.filter(pk=draft.pk).update(valid_from=None, valid_until=None)
    return "period"


def _no_signatory(draft):
    party = draft.parties.get(organisation__kind="police_area")
    party.signatories.all().delete()
    return f"signatory:{party.pk}"


def _empty_plan(draft):
    plan = draft.action_plans.first()
    plan.items.all().delete()
    return f"empty_plan:{plan.pk}"


def _no_plan(draft):
    draft.action_plans.all().delete()
    return "no_plan"


def _problem_without_row(draft):
    problem = ProblemItem.objects.create(
        area=ProblemItem.objects.filter(area__problem_picture__agreement=draft).first().area,
        position=9,
        text="Klotter vid stationen",
        probable_causes="Ingen städar",
    )
    return f"unaddressed:{problem.pk}"


REQUIRED_RULES = [
    _no_problems,
    _no_causes,
    _no_goals,
    _nothing_measurable,
    _not_documented,
    _not_followed_up,
    _no_period,
    _no_signatory,
    _empty_plan,
    _no_plan,
    _problem_without_row,
]


@pytest.mark.parametrize("rule", REQUIRED_RULES, ids=[r.__name__[1:] for r in REQUIRED_RULES])
def test_each_required_thing_missing_refuses_and_freezes_nothing(draft, personas, rule):
    code = rule(draft)
    draft.refresh_from_db()
    assert code in codes(draft, readiness.REQUIRED)
    with pytest.raises(lifecycle.NotReadyForSignature, match="Något som överenskommelsen"):
        lifecycle.make_ready(draft, personas.coordinator, seen_warnings=seen(draft))
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT
    assert not AgreementVersion.objects.filter(agreement=draft).exists()
    assert not draft.events.filter(kind=EventKind.FROZEN).exists()


def test_warnings_name_old_years_goals_without_indicators_and_rows_without_who_or_when(draft):
    plan = draft.action_plans.first()  # "Handlingsplan … 2020 – 2023", copied from 2020
    row = plan.items.first()
    row.activity = "Trygghetsvandring enligt lag (2023:196) om kommuners ansvar"
    row.responsible_text = ""
    row.when_text = ""
    row.save()
    row.responsibilities.all().delete()
    area = FocusArea.objects.create(agreement=draft, position=9, title="Trafik", goals="Färre")
    warnings = codes(draft, readiness.WARNING)
    assert f"year:plan:{plan.pk}:2020,2023" in warnings
    assert f"area_goal:{area.pk}" in warnings
    assert {f"responsible:{row.pk}", f"when:{row.pk}"} <= warnings
    # A law's number names the year it was made, not a period: no warning for the row.
    assert not any(code.startswith(f"year:row:{row.pk}:") for code in warnings)
    # A year inside the period is no warning either.
    assert not any(code.startswith("year:title") for code in warnings)  # "2026–2029"


def test_warnings_must_be_confirmed_and_the_confirmation_is_recorded(draft, personas):
    warnings = [f for f in readiness.check_before_signing(draft) if not f.is_required]
    assert warnings  # the plan's title still names 2020 – 2023
    with pytest.raises(lifecycle.NotReadyForSignature, match="varningarna"):
        lifecycle.make_ready(draft, personas.coordinator)
    # Seen all but one: still refused.
    with pytest.raises(lifecycle.NotReadyForSignature):
        lifecycle.make_ready(
            draft, personas.coordinator, seen_warnings={w.code for w in warnings[1:]}
        )
    version = lifecycle.make_ready(
        draft, personas.coordinator, seen_warnings={w.code for w in warnings}
    )
    event = draft.events.get(kind=EventKind.FROZEN)
    assert event.note.startswith("Varningar som setts när den frystes:")
    assert all(warning.message in event.note for warning in warnings)
    assert version.number == 1


def test_a_citizen_promise_needs_the_lighter_list(demo, personas):
    promise = strangnas_draft(demo)
    promise.kind = AgreementKind.CITIZEN_PROMISE
    promise.save()
    complete_for_signing(promise)
    promise.indicators.all().delete()
    promise.sections.filter(body__icontains="dokumenter").delete()
    ProblemItem.objects.filter(area__problem_picture__agreement=promise).update(probable_causes="")
    promise.overall_goals.all().delete()
    assert codes(promise, readiness.REQUIRED) == set()
    ProblemItem.objects.filter(area__problem_picture__agreement=promise).delete()
    assert "problems" in codes(promise, readiness.WARNING)
    Agreement.objects.filter(pk=promise.pk).update(valid_from=None, valid_until=None)
    promise.refresh_from_db()
    assert codes(promise, readiness.REQUIRED) == {"period"}


# --- The page --------------------------------------------------------------------------


def test_the_page_lists_what_is_missing_with_links_and_offers_no_freezing(client, demo, personas):
    draft = strangnas_draft(demo)  # a plain copy: no problems, no signatories
    client.force_login(personas.coordinator)
    url = reverse("make_ready", args=[draft.pk])
    page = client.get(url).text
    assert re.search(r"<h2[^>]*>\d+ saker saknas</h2>", page)
    assert "Vad överenskommelsen måste innehålla" in page and "Undertecknare" in page
    editor = reverse("draft_editor", args=[draft.pk])
    assert f'href="{editor}#problembild"' in page and f'href="{editor}#underskrifter"' in page
    assert "Inga problem är i fokus" in page
    assert 'type="submit" class="button primary">Klar för underskrift' not in page
    # Posted anyway (an old page, a script): refused in Swedish, nothing frozen.
    response = client.post(url, {"seen": "on", "listed": " ".join(seen(draft))})
    assert response.status_code == 400
    assert "Något som överenskommelsen måste innehålla saknas" in response.text
    assert not AgreementVersion.objects.filter(agreement=draft).exists()


def test_warnings_are_confirmed_on_the_page(client, draft, personas):
    client.force_login(personas.coordinator)
    url = reverse("make_ready", args=[draft.pk])
    page = client.get(url).text
    assert "att titta på" in page and "Jag har sett varningarna" in page
    listed = re.search(r'name="listed" value="([^"]*)"', page).group(1)
    refused = client.post(url, {"listed": listed})
    assert refused.status_code == 400
    assert "Kryssa i rutan" in refused.text
    # A warning that appeared since the page was opened is shown before anything freezes.
    row = ActionItem.objects.filter(plan__agreement=draft).first()
    row.activity = "Som 2019"
    row.save()
    changed = client.post(url, {"seen": "on", "listed": listed})
    assert changed.status_code == 400 and "har ändrats sedan sidan öppnades" in changed.text
    assert not AgreementVersion.objects.filter(agreement=draft).exists()
    listed = re.search(r'name="listed" value="([^"]*)"', changed.text).group(1)
    frozen = client.post(url, {"seen": "on", "listed": listed})
    assert frozen.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.READY
    assert "2019" in draft.events.get(kind=EventKind.FROZEN).note


def test_the_page_is_for_editors_only(client, draft, personas):
    url = reverse("make_ready", args=[draft.pk])
    client.force_login(personas.reader)
    assert client.get(url).status_code == 403
    assert client.post(url, {"seen": "on"}).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"seen": "on"}).status_code == 404
    assert not AgreementVersion.objects.filter(agreement=draft).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"seen": "on", "listed": "\x00"},
        {"seen": "maybe", "listed": "x" * 200_000},
        {"seen": ["on", "on"], "listed": ["a", "b"]},
        {},
    ],
)
def test_malformed_confirmations_are_refused_in_words(client, draft, personas, data):
    client.force_login(personas.coordinator)
    response = client.post(reverse("make_ready", args=[draft.pk]), data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.text or "error-summary" in response.text
    assert not AgreementVersion.objects.filter(agreement=draft).exists()


def test_the_page_queries_do_not_grow_with_rows(client, draft, personas):
    from helpers import count_queries

    client.force_login(personas.coordinator)
    url = reverse("make_ready", args=[draft.pk])
    before = count_queries(client, url)
    plan = draft.action_plans.first()
    for position in range(50, 60):
        ActionItem.objects.create(plan=plan, position=position, activity=f"Rad {position}")
    assert count_queries(client, url) == before


# --- Signatories in the draft editor --------------------------------------------------


def signatory_data(party, **changes):
    data = {"name": "Anna Andersson", "title": "Kommunstyrelsens ordförande"}
    data.update(party=party.pk, place="Strängnäs", **changes)
    return data


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_signatories_are_added_edited_moved_and_removed(client, demo, personas, headers):
    draft = strangnas_draft(demo)
    client.force_login(personas.coordinator)
    municipality, police = draft.parties.order_by("position")[:2]
    create = reverse("part_create", args=[draft.pk, "underskrift"])
    response = client.post(create, signatory_data(municipality), headers=headers)
    anna = draft.signatories.get(name="Anna Andersson")
    if headers:
        assert "<html" not in response.text and "Anna Andersson" in response.text
    else:
        assert response.status_code == 302 and response.url.endswith(f"#underskrift-{anna.pk}")
    client.post(create, signatory_data(police, name="Per Polis", title="LPO-chef"), headers=headers)
    per = draft.signatories.get(name="Per Polis")
    assert per.party == police and per.position == anna.position + 1

    edit = reverse("part_edit", args=[draft.pk, "underskrift", anna.pk])
    data = signatory_data(municipality, title="KSO", version=anna.version)
    client.post(edit, data, headers=headers)
    anna.refresh_from_db()
    assert anna.title == "KSO" and anna.version == 2

    move = reverse("part_move", args=[draft.pk, "underskrift", per.pk])
    client.post(move, {"direction": "up"}, headers=headers)
    assert list(draft.signatories.values_list("name", flat=True)) == ["Per Polis", "Anna Andersson"]

    delete = reverse("part_delete", args=[draft.pk, "underskrift", per.pk])
    client.post(delete, headers=headers)
    assert list(draft.signatories.values_list("name", flat=True)) == ["Anna Andersson"]
    # The history keeps each step, with who took it.
    history = Signatory.history.filter(agreement_id=draft.pk)
    assert {record.history_type for record in history} == {"+", "~", "-"}
    assert history.filter(name="Per Polis", history_type="-").exists()
    assert "Anna Andersson" in client.get(reverse("draft_editor", args=[draft.pk])).text


def test_a_signatory_signs_only_for_a_signing_party_of_the_agreement(client, demo, personas):
    draft = strangnas_draft(demo)
    client.force_login(personas.coordinator)
    create = reverse("part_create", args=[draft.pk, "underskrift"])
    elsewhere = Party.objects.exclude(agreement=draft).first()
    refused = client.post(create, signatory_data(elsewhere))
    assert refused.status_code == 200 and "Välj ett giltigt alternativ" in refused.text
    participant = draft.parties.order_by("position").last()
    participant.role = PartyRole.PARTICIPANT
    participant.save()
    refused = client.post(create, signatory_data(participant))
    assert "Välj ett giltigt alternativ" in refused.text
    nameless = client.post(create, signatory_data(draft.parties.first(), name=""))
    assert "Detta fält måste fyllas i." in nameless.text
    assert not draft.signatories.exists()


def test_signatories_are_edited_by_the_agreements_editors_only(client, demo, personas):
    draft = strangnas_draft(demo)
    party = draft.parties.first()
    create = reverse("part_create", args=[draft.pk, "underskrift"])
    client.force_login(personas.reader)
    assert client.post(create, signatory_data(party)).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(create, signatory_data(party)).status_code == 404
    assert not draft.signatories.exists()


def test_the_print_has_the_signatories_names_under_the_lines(client, demo, personas):
    draft = strangnas_draft(demo)
    client.force_login(personas.coordinator)
    create = reverse("part_create", args=[draft.pk, "underskrift"])
    municipality, police = draft.parties.order_by("position")[:2]
    client.post(create, signatory_data(municipality, name="Anna Andersson", title="KSO"))
    client.post(create, signatory_data(police, name="Per Polis", title="LPO-chef"))
    text = pdf_text(agreement_pdf(Agreement.objects.get(pk=draft.pk)))
    assert "Anna Andersson" in text and "KSO" in text and "Per Polis" in text
    # Under the lines: after the text of the agreement, in party order.
    assert text.index("Anna Andersson") < text.index("Per Polis")
    assert text.index("Anna Andersson") > text.index(draft.sections.last().heading)


def test_a_copy_leaves_the_signatories_behind(draft):
    from exchange.copying import copy_agreement

    assert draft.signatories.exists()
    assert not copy_agreement(draft).signatories.exists()


def test_a_plan_without_rows_is_named(draft):
    plan = ActionPlan.objects.create(agreement=draft, position=9, title="Tom plan")
    found = [f for f in readiness.check_before_signing(draft) if f.code == f"empty_plan:{plan.pk}"]
    assert found and "Tom plan" in found[0].message
    assert found[0].url == reverse("plan_detail", args=[draft.pk, plan.pk])
