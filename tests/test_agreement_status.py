"""The status an agreement shows: only the lifecycle is stored; whether a signed agreement is
in force, expiring or over is computed from its dates, renewal rule and the day, in Python
(Agreement.status_on) and in SQL (AgreementQuerySet.with_status_on) alike. All on a fixed
day, 2026-12-01."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from helpers import make_ready, strangnas_draft

from agreements.models import Agreement, AgreementStatus, CurrentStatus
from exchange.demo_current import demo_current_agreements
from exchange.demo_promises import demo_citizen_promises
from signing import lifecycle
from signing.models import EventKind

D = datetime.date
TODAY = D(2026, 12, 1)
EDITOR = "samordnare.strangnas"


@pytest.fixture
def today(monkeypatch):
    """The pages and the models think it is 2026-12-01."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def starts_next_year(demo, user):
    """A newly signed agreement whose period begins next year."""
    agreement = strangnas_draft(demo)
    agreement.valid_from, agreement.valid_until = D(2027, 1, 1), D(2030, 12, 31)
    agreement.save()
    version = make_ready(agreement, user(EDITOR))
    version.refresh_from_db()
    signature = {"organisation": "Strängnäs kommun", "name": "Kommunchef", "place": "Strängnäs"}
    lifecycle.register_signature(
        version,
        signatures=[{**signature, "signed_on": "2026-11-30"}],
        scan=b"%PDF-1.7 scan",
        scan_name="scan.pdf",
        user=user(EDITOR),
        today=TODAY,
    )
    agreement.refresh_from_db()
    return agreement


def row_of(page: str, agreement) -> str:
    """The agreement's row in an agreement table."""
    return page[page.index(f'href="{agreement.get_absolute_url()}"') :].split("</tr>")[0]


def statuses_in_sql(day):
    return dict(Agreement.objects.with_status_on(day).values_list("reference", "status_on_day"))


def test_only_the_lifecycle_is_stored(demo):
    assert {a.status for a in demo.values()} == {AgreementStatus.SIGNED}
    assert set(AgreementStatus.values) == {"draft", "ready_for_signature", "signed", "terminated"}


def test_a_calendar_year_agreement_never_terminated_is_active_in_this_years_period(demo):
    sandviken = demo["sandviken-2015"]
    assert sandviken.status_on(TODAY) == CurrentStatus.ACTIVE  # never 'expiring' in December
    assert sandviken.period_on(TODAY) == (D(2026, 1, 1), D(2026, 12, 31))
    assert sandviken.period_on(D(2015, 6, 1)) == (D(2015, 1, 15), D(2015, 12, 31))
    assert sandviken.days_left(TODAY) is None  # it runs on until it is terminated
    assert statuses_in_sql(TODAY)["sandviken-2015"] == CurrentStatus.ACTIVE


def test_a_terminated_calendar_year_agreement_expires_then_ends(demo, user):
    sandviken = demo["sandviken-2015"]
    lifecycle.terminate(sandviken, D(2027, 1, 31), user("samordnare.sandviken"), "Uppsagt")
    sandviken.refresh_from_db()
    assert sandviken.status == AgreementStatus.TERMINATED  # the lifecycle, from the decision
    assert sandviken.status_on(TODAY) == CurrentStatus.EXPIRING  # 61 days left
    assert sandviken.days_left(TODAY) == 61
    # From this year's first day to the last day in force the termination set.
    assert sandviken.period_on(TODAY) == (D(2026, 1, 1), D(2027, 1, 31))
    assert sandviken.period_on(D(2027, 3, 1)) == (D(2027, 1, 1), D(2027, 1, 31))
    assert sandviken.status_on(D(2027, 2, 1)) == CurrentStatus.TERMINATED
    assert statuses_in_sql(TODAY)["sandviken-2015"] == CurrentStatus.EXPIRING
    assert statuses_in_sql(D(2027, 2, 1))["sandviken-2015"] == CurrentStatus.TERMINATED


def test_a_signed_agreement_starting_next_year_is_not_yet_in_force(starts_next_year):
    agreement = starts_next_year
    assert agreement.status_on(TODAY) == CurrentStatus.NOT_YET_IN_FORCE
    assert agreement.days_left(TODAY) is None
    assert statuses_in_sql(TODAY)[agreement.reference] == CurrentStatus.NOT_YET_IN_FORCE
    assert agreement.status_on(D(2027, 1, 1)) == CurrentStatus.ACTIVE


@pytest.mark.parametrize(
    ("reference", "expected", "days_left"),
    [
        ("sollentuna-2023", CurrentStatus.EXPIRING, 30),  # ends 2026-12-31
        ("strangnas-2020", CurrentStatus.EXPIRED, -1279),  # ended 2023-06-01
        ("sandviken-2015", CurrentStatus.ACTIVE, None),
    ],
)
def test_expiring_and_expired_on_a_fixed_day(demo, reference, expected, days_left):
    agreement = demo[reference]
    assert agreement.status_on(TODAY) == expected
    assert agreement.days_left(TODAY) == days_left
    assert statuses_in_sql(TODAY)[reference] == expected


def test_a_terminated_agreement_after_its_last_day(demo, user):
    agreement = demo["sollentuna-2023"]
    lifecycle.terminate(agreement, D(2026, 6, 30), user("samordnare.sollentuna"), "Slut")
    agreement.refresh_from_db()
    assert agreement.status_on(TODAY) == CurrentStatus.TERMINATED
    assert agreement.period_on(TODAY) == (D(2023, 1, 1), D(2026, 6, 30))
    assert statuses_in_sql(TODAY)["sollentuna-2023"] == CurrentStatus.TERMINATED
    assert not agreement.plans_are_editable or timezone.localdate() <= D(2026, 6, 30)


def test_drafts_and_first_versions_awaiting_signature_show_their_lifecycle(demo, user):
    draft = strangnas_draft(demo)
    assert draft.status_on(TODAY) == CurrentStatus.DRAFT
    make_ready(draft, user(EDITOR))
    draft.refresh_from_db()
    assert draft.status_on(TODAY) == CurrentStatus.READY
    assert statuses_in_sql(TODAY)[draft.reference] == CurrentStatus.READY


def test_a_revision_shows_the_calendar_of_the_version_that_holds(demo, user):
    agreement = demo["sollentuna-2023"]
    lifecycle.revise(agreement, user("samordnare.sollentuna"))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT and agreement.is_revision
    assert agreement.status_on(TODAY) == CurrentStatus.EXPIRING
    assert statuses_in_sql(TODAY)["sollentuna-2023"] == CurrentStatus.EXPIRING


def test_python_and_sql_agree_for_every_agreement_on_every_day_of_interest(
    demo, user, starts_next_year
):
    lifecycle.terminate(demo["timra-2017"], D(2018, 6, 30), user("samordnare.timra"), "Slut")
    days = [D(2014, 1, 1), D(2015, 12, 31), D(2018, 4, 1), D(2023, 6, 2), TODAY, D(2027, 1, 1)]
    for day in days:
        in_python = {a.reference: a.status_on(day) for a in Agreement.objects.all()}
        assert statuses_in_sql(day) == in_python, day
        in_force = set(Agreement.objects.in_force_on(day).values_list("reference", flat=True))
        assert in_force == {a.reference for a in Agreement.objects.all() if a.is_in_force(day)}


def test_the_list_and_overview_show_the_computed_status_and_this_years_period(
    client, personas, demo, starts_next_year, today
):
    client.force_login(personas.admin)
    page = client.get(reverse("agreement_list")).text
    sandviken_row = row_of(page, demo["sandviken-2015"])
    assert "Aktiv" in sandviken_row and "2026-01-01 – 2026-12-31" in sandviken_row
    assert "har upphört" not in sandviken_row and "2015-12-31" not in sandviken_row
    row = row_of(page, starts_next_year)
    assert "Ej i kraft än" in row and "Utkast" not in row and "1491" not in row
    sollentuna = row_of(page, demo["sollentuna-2023"])
    assert "Löper snart ut" in sollentuna and ">30<" in sollentuna
    overview = client.get(reverse("overview")).text
    assert "2026-01-01 – 2026-12-31" in overview
    detail = client.get(reverse("agreement_detail", args=[demo["sandviken-2015"].pk])).text
    assert "2026-01-01 – 2026-12-31" in detail and "2015-01-15 – 2015-12-31" in detail


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("active", {"sandviken-2015"}),
        ("expiring", {"sollentuna-2023"}),
        ("expired", {"strangnas-2020", "timra-2017", "harnosand-2012"}),
        ("not_yet_in_force", {"next-year"}),
        ("draft", set()),
    ],
)
def test_the_list_filters_by_the_computed_status(
    client, personas, demo, starts_next_year, today, status, expected
):
    Agreement.objects.filter(pk=starts_next_year.pk).update(reference="next-year")
    client.force_login(personas.admin)
    response = client.get(reverse("agreement_list"), {"status": status})
    shown = {a.reference for a in response.context["agreements"]}
    # The demo's citizen promises and current periods, made for the day the tests run: their
    # own tests.
    invented = set(demo_citizen_promises().values_list("reference", flat=True))
    invented |= set(demo_current_agreements().values_list("reference", flat=True))
    assert shown - invented == expected


def test_refresh_statuses_only_records_renewals_and_counts_them(demo):
    out = StringIO()
    call_command("refresh_statuses", "--date", TODAY.isoformat(), stdout=out)
    # Sandviken, and only it; said in Swedish, as the other commands say what they did.
    assert out.getvalue() == "1 överenskommelse förnyades för ett nytt kalenderår.\n"
    renewals = demo["sandviken-2015"].events.filter(kind=EventKind.RENEWED)
    assert [e.new_end.year for e in renewals.order_by("new_end")] == list(range(2016, 2027))
    again = StringIO()
    call_command("refresh_statuses", "--date", TODAY.isoformat(), stdout=again)
    assert again.getvalue() == "0 överenskommelser förnyades för ett nytt kalenderår.\n"
    assert {a.status for a in Agreement.objects.all()} == {AgreementStatus.SIGNED}


def test_refresh_statuses_stops_renewing_once_terminated(demo, user):
    sandviken = demo["sandviken-2015"]
    assert lifecycle.refresh_statuses(D(2017, 3, 1)) == 1
    lifecycle.terminate(sandviken, D(2017, 6, 30), user("samordnare.sandviken"), "Uppsagt")
    assert lifecycle.refresh_statuses(D(2019, 1, 1)) == 0
    assert sandviken.events.filter(kind=EventKind.RENEWED).count() == 2


def test_the_migration_keeps_only_the_lifecycle_of_stored_statuses(demo):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("agreements.migrations.0004_status_is_the_lifecycle")
    stored = {
        "sollentuna-2023": "expiring",
        "sandviken-2015": "active",
        "strangnas-2020": "expired",
        "timra-2017": "active",  # terminated on a day already passed: was 'active' until then
        "harnosand-2012": "draft",
    }
    for reference, status in stored.items():
        Agreement.objects.filter(reference=reference).update(status=status)
    Agreement.objects.filter(reference="timra-2017").update(terminated_on=D(2018, 6, 30))
    migration.keep_only_the_lifecycle(apps, None)
    seeds = Agreement.objects.exclude(pk__in=demo_citizen_promises()).exclude(
        pk__in=demo_current_agreements()
    )
    assert dict(seeds.values_list("reference", "status")) == {
        "sollentuna-2023": "signed",
        "sandviken-2015": "signed",
        "strangnas-2020": "signed",
        "timra-2017": "terminated",
        "harnosand-2012": "draft",
    }


def test_an_older_file_with_a_calendar_status_is_imported_as_signed():
    from exchange.importer import lifecycle_status

    assert lifecycle_status({"status": "expiring"}) == "signed"
    assert lifecycle_status({"status": "active", "terminated_on": "2020-01-01"}) == "terminated"
    assert lifecycle_status({"status": "ready_for_signature"}) == "ready_for_signature"
    assert lifecycle_status({}) == "draft"
