"""Follow-up: status from entries, cadences across year ends, 'Att följa upp', timelines,
indicators, reports and reminders. Over 400 lines in one module, grouped by topic in
classes, because the topics share the demo's Strängnäs entries and the logging helpers."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from helpers import count_queries, pdf_text

from actionplans.models import ActionItem, ItemStatus, Responsibility
from agreements.models import Agreement
from followup.models import (
    CadenceFrequency,
    CadenceKind,
    FollowUpCadence,
    FollowUpEntry,
    FollowUpReport,
    Indicator,
    Measurement,
    ReportFinalError,
    ReportStatus,
    SentReminder,
    status_on,
)
from followup.reminders import send_reminders
from followup.todo import follow_up_lists

HTMX = {"HX-Request": "true"}
D = datetime.date
TODAY = timezone.localdate


def log(item, day, status, what="Gjort", corrects=None):
    return FollowUpEntry.objects.create(
        item=item, occurred_on=day, what_was_done=what, status=status, corrects=corrects
    )


@pytest.fixture
def sollentuna(demo):
    """Sollentuna (in force until 2026-12-31) with one plan of rows; its seed plans are empty."""
    agreement = demo["sollentuna-2023"]
    return agreement, agreement.action_plans.order_by("position").first()


def add_row(plan, activity, **fields):
    position = (plan.items.order_by("-position").values_list("position", flat=True).first()) or 0
    return ActionItem.objects.create(plan=plan, position=position + 1, activity=activity, **fields)


# --- Status derivation -----------------------------------------------------------------


class TestStatusComesFromTheLatestEntry:
    def test_no_entries_keep_the_planned_status(self, sollentuna):
        _agreement, plan = sollentuna
        row = add_row(plan, "Trygghetsvandring", status=ItemStatus.IN_PROGRESS)
        assert ActionItem.objects.get(pk=row.pk).status == ItemStatus.IN_PROGRESS

    def test_the_latest_by_date_wins_even_when_logged_out_of_order(self, sollentuna):
        _agreement, plan = sollentuna
        row = add_row(plan, "Trygghetsvandring")
        log(row, D(2024, 3, 1), ItemStatus.DONE)
        log(row, D(2024, 1, 1), ItemStatus.IN_PROGRESS)  # logged later, happened earlier
        assert ActionItem.objects.get(pk=row.pk).status == ItemStatus.DONE

    def test_on_the_same_day_the_later_recorded_entry_wins(self, sollentuna):
        _agreement, plan = sollentuna
        row = add_row(plan, "Trygghetsvandring")
        log(row, D(2024, 3, 1), ItemStatus.IN_PROGRESS)
        log(row, D(2024, 3, 1), ItemStatus.DELAYED)
        assert ActionItem.objects.get(pk=row.pk).status == ItemStatus.DELAYED

    def test_a_corrected_entry_no_longer_counts(self, sollentuna):
        _agreement, plan = sollentuna
        row = add_row(plan, "Trygghetsvandring")
        log(row, D(2024, 1, 1), ItemStatus.IN_PROGRESS)
        wrong = log(row, D(2024, 6, 1), ItemStatus.DONE)
        # The correction moves the entry to an earlier date: the June entry no longer stands.
        log(row, D(2023, 12, 1), ItemStatus.CANCELLED, corrects=wrong)
        assert ActionItem.objects.get(pk=row.pk).status == ItemStatus.IN_PROGRESS

    def test_status_on_a_day_is_what_stood_then(self, sollentuna):
        _agreement, plan = sollentuna
        row = add_row(plan, "Trygghetsvandring")
        first = log(row, D(2024, 1, 1), ItemStatus.IN_PROGRESS)
        log(row, D(2024, 6, 1), ItemStatus.DONE)
        entries = list(row.follow_up_entries.all())
        assert status_on(row, D(2023, 12, 31), entries) == ItemStatus.NOT_STARTED
        assert status_on(row, D(2024, 3, 1), entries) == ItemStatus.IN_PROGRESS
        assert status_on(row, D(2024, 6, 1), entries) == ItemStatus.DONE
        assert first.pk  # the entries are kept, both of them
        assert row.follow_up_entries.count() == 2

    def test_the_row_form_sets_no_status_but_proposed_or_adopted(self, client, user, sollentuna):
        _agreement, plan = sollentuna
        row = add_row(plan, "Trygghetsvandring")
        client.force_login(user("samordnare.sollentuna"))
        page = client.get(reverse("row_edit", args=[plan.agreement_id, plan.pk, row.pk])).text
        offered = re.findall(r'<option value="([a-z_]+)"', page.split('id="id_status"')[1])
        assert offered[:2] == ["proposed", "not_started"]
        assert "in_progress" not in offered[:3] and "done" not in offered[:3]


# --- Cadence --------------------------------------------------------------------------


def cadence(frequency, first_on, kind=CadenceKind.CHECKPOINT):
    return FollowUpCadence(kind=kind, frequency=frequency, first_on=first_on)


def only_cadence(agreement, kind, frequency, first_on):
    """The agreement's one cadence, in place of the demo's."""
    FollowUpCadence.objects.filter(agreement=agreement).delete()
    FollowUpCadence.objects.create(
        agreement=agreement, kind=kind, frequency=frequency, first_on=first_on
    )


class TestCadenceAcrossYearEnds:
    def test_quarterly_dates_run_on_into_the_next_year(self):
        quarterly = cadence(CadenceFrequency.QUARTERLY, D(2020, 3, 31))
        assert quarterly.dates_between(D(2020, 11, 1), D(2021, 7, 1)) == [
            D(2020, 12, 31),
            D(2021, 3, 31),
            D(2021, 6, 30),
        ]
        assert quarterly.last_on_or_before(D(2021, 1, 15)) == D(2020, 12, 31)
        assert quarterly.next_after(D(2020, 12, 31)) == D(2021, 3, 31)

    def test_monthly_from_the_31st_keeps_month_ends_and_leap_days(self):
        monthly = cadence(CadenceFrequency.MONTHLY, D(2023, 12, 31))
        assert monthly.dates_between(D(2023, 12, 1), D(2024, 3, 31)) == [
            D(2023, 12, 31),
            D(2024, 1, 31),
            D(2024, 2, 29),
            D(2024, 3, 31),
        ]
        assert monthly.last_on_or_before(D(2024, 3, 30)) == D(2024, 2, 29)

    def test_twice_a_year_and_before_the_first_date(self):
        half = cadence(CadenceFrequency.HALF_YEARLY, D(2012, 6, 30))
        assert half.last_on_or_before(D(2012, 6, 29)) is None
        assert half.next_after(D(2010, 1, 1)) == D(2012, 6, 30)
        assert half.last_on_or_before(D(2014, 1, 2)) == D(2013, 12, 30)
        assert half.next_after(D(2013, 12, 31)) == D(2014, 6, 30)

    def test_yearly_report_due_over_new_year(self, sollentuna):
        agreement, _plan = sollentuna
        only_cadence(agreement, CadenceKind.REPORT, CadenceFrequency.YEARLY, D(2023, 12, 31))
        # From 30 days before the period ends the report for 2024 is on the list...
        early = follow_up_lists(Agreement.objects.filter(pk=agreement.pk), D(2024, 12, 5))
        (due,) = early[0].reports
        assert (due.period_start, due.period_end) == (D(2024, 1, 1), D(2024, 12, 31))
        assert not due.is_overdue(D(2024, 12, 5))
        # ...and in February it is late.
        late = follow_up_lists(Agreement.objects.filter(pk=agreement.pk), D(2025, 2, 10))
        assert late[0].reports[0].is_overdue(D(2025, 2, 10))
        # A final report for the year takes it off the list; a draft does not.
        report = FollowUpReport.objects.create(
            agreement=agreement,
            title="2024",
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
        )
        again = follow_up_lists(Agreement.objects.filter(pk=agreement.pk), D(2025, 2, 10))
        assert again[0].reports[0].draft == report
        report.finalise({"groups": []}, D(2025, 2, 11))
        assert follow_up_lists(Agreement.objects.filter(pk=agreement.pk), D(2025, 2, 12)) == []


class TestCadenceForms:
    def test_a_coordinator_adds_and_removes_a_cadence(self, client, user, sollentuna):
        agreement, _plan = sollentuna
        client.force_login(user("samordnare.sollentuna"))
        url = reverse("cadence_create", args=[agreement.pk])
        bad = client.post(url, {"kind": "checkpoint", "frequency": "quarterly", "first_on": ""})
        assert "Detta fält måste fyllas i." in bad.text
        assert agreement.cadences.count() == 1  # the demo's yearly report, nothing added
        data = {"kind": "checkpoint", "frequency": "quarterly", "first_on": "2023-03-31"}
        response = client.post(url, data)
        assert response.url == reverse("follow_up", args=[agreement.pk]) + "#kadens"
        cadence = agreement.cadences.get(kind="checkpoint")
        page = client.get(reverse("follow_up", args=[agreement.pk])).text
        assert "fyra gånger per år" in page and "nästa" in page
        delete = reverse("cadence_delete", args=[agreement.pk, cadence.pk])
        assert "Ta bort uppföljningsintervallet?" in client.get(delete).text
        client.post(delete)
        assert not agreement.cadences.filter(pk=cadence.pk).exists()

    def test_readers_cannot_change_cadences(self, client, user, sollentuna):
        agreement, _plan = sollentuna
        client.force_login(user("lasare.sollentuna"))
        url = reverse("cadence_create", args=[agreement.pk])
        data = {"kind": "report", "frequency": "yearly", "first_on": "2023-12-31"}
        assert client.post(url, data).status_code == 403
        assert agreement.cadences.count() == 1


# --- Att följa upp ----------------------------------------------------------------------


class TestToFollowUp:
    def test_overdue_due_soon_and_not_logged_since_the_checkpoint(self, sollentuna):
        agreement, plan = sollentuna
        only_cadence(agreement, CadenceKind.CHECKPOINT, CadenceFrequency.QUARTERLY, D(2023, 3, 31))
        today = D(2024, 2, 10)  # last checkpoint 2023-12-31, next 2024-03-31
        overdue = add_row(plan, "Försenad", due_on=D(2024, 2, 1))
        soon = add_row(plan, "Snart", ends_on=D(2024, 2, 20))
        quiet = add_row(plan, "Tyst")
        logged = add_row(plan, "Loggad")
        log(logged, D(2024, 1, 15), ItemStatus.IN_PROGRESS)
        done = add_row(plan, "Klar", due_on=D(2024, 1, 1))
        log(done, D(2023, 12, 20), ItemStatus.DONE)
        later = add_row(plan, "Börjar senare", starts_on=D(2024, 6, 1))
        (to_do,) = follow_up_lists(Agreement.objects.filter(pk=agreement.pk), today)
        assert to_do.overdue == [overdue]
        assert to_do.due_soon == [soon]
        assert quiet in to_do.not_logged
        assert logged not in to_do.not_logged and done not in to_do.not_logged
        assert later not in to_do.not_logged
        assert (to_do.last_checkpoint, to_do.next_checkpoint) == (D(2023, 12, 31), D(2024, 3, 31))

    def test_the_most_urgent_come_first_whatever_the_plans_order(self, sollentuna):
        agreement, plan = sollentuna
        today = D(2024, 2, 10)
        late = add_row(plan, "Försenad en dag", due_on=D(2024, 2, 9))
        later = add_row(plan, "Försenad en månad", due_on=D(2024, 1, 10))
        last = add_row(plan, "Snart, sist", due_on=D(2024, 2, 20))
        first = add_row(plan, "Snart, först", ends_on=D(2024, 2, 12))
        (to_do,) = follow_up_lists(Agreement.objects.filter(pk=agreement.pk), today)
        assert to_do.overdue == [later, late]
        assert to_do.due_soon == [first, last]

    def test_rows_from_several_plans_name_their_plan(self, client, user, sollentuna):
        """Sollentuna's agreement has a plan per municipality: the same activity due in two
        of them is two lines, each naming its plan; one plan's rows name none."""
        agreement, first = sollentuna
        second = agreement.action_plans.exclude(pk=first.pk).order_by("position").first()
        due = TODAY() - datetime.timedelta(days=2)
        add_row(first, "Trygghetsvandring i centrum", due_on=due)
        client.force_login(user("samordnare.sollentuna"))
        page = client.get(reverse("overview")).text
        assert "Trygghetsvandring i centrum</a></li>" in page
        add_row(second, "Trygghetsvandring i centrum", due_on=due)
        page = client.get(reverse("overview")).text
        for plan in (first, second):
            assert f'centrum</a> <span class="note">{plan.shown_title}</span>' in page

    def test_agreements_not_in_force_have_nothing_due(self, demo):
        expired = Agreement.objects.filter(reference="strangnas-2020")
        assert follow_up_lists(expired, D(2026, 11, 23)) == []
        assert follow_up_lists(expired, D(2022, 11, 23)) != []  # in 2022 it was in force

    def test_the_start_page_shows_it_for_the_users_organisations(
        self, client, user, personas, sollentuna
    ):
        _agreement, plan = sollentuna
        add_row(plan, "Föreläsning om droger", due_on=TODAY() - datetime.timedelta(days=3))
        client.force_login(user("samordnare.sollentuna"))
        page = client.get(reverse("overview")).text
        assert "Att följa upp" in page and "Föreläsning om droger" in page
        assert "försenad sedan" in page
        client.force_login(personas.coordinator)
        assert "Föreläsning om droger" not in client.get(reverse("overview")).text

    def test_the_start_page_runs_as_many_queries_for_many_rows_and_entries(
        self, client, user, sollentuna
    ):
        _agreement, plan = sollentuna
        client.force_login(user("samordnare.sollentuna"))
        row = add_row(plan, "Rad 1", due_on=TODAY())
        log(row, TODAY(), ItemStatus.IN_PROGRESS)
        few = count_queries(client, reverse("overview"))
        for number in range(30):
            row = add_row(plan, f"Rad {number + 2}", due_on=TODAY())
            log(row, TODAY(), ItemStatus.IN_PROGRESS)
            log(row, TODAY(), ItemStatus.DELAYED)
        assert count_queries(client, reverse("overview")) == few


# --- Timeline ---------------------------------------------------------------------------


class TestTimeline:
    @pytest.fixture
    def timeline(self, client, personas, demo):
        client.force_login(personas.reader)
        url = reverse("follow_up", args=[demo["strangnas-2020"].pk])
        return lambda **query: client.get(url, query, headers=HTMX if query else {})

    def test_every_entry_newest_first_for_readers_too(self, timeline):
        text = timeline().text
        assert "16 uppföljningar" in text
        assert text.index("kvartal 4") < text.index("kvartal 1")
        assert "Rättar uppföljningen från" in text and "Rättad av en senare uppföljning." in text

    def test_filters_by_period_party_and_focus_area(self, timeline, demo):
        agreement = demo["strangnas-2020"]
        text = timeline(fran="2022-12-01", till="2022-12-31").text
        assert "<html" not in text  # htmx gets only the timeline
        assert "2 uppföljningar" in text and "kvartal 4" in text
        police = agreement.parties.get(label="Polis").organisation
        assert "16 uppföljningar" in timeline(part=police.pk).text  # responsible for every row
        area = agreement.focus_areas.order_by("position").first()
        assert "0 uppföljningar" in timeline(fokusomrade=area.pk).text

    def test_one_rows_timeline(self, timeline, demo):
        row = ActionItem.objects.get(plan__agreement=demo["strangnas-2020"], activity="EST")
        text = timeline(rad=row.pk).text
        assert "2 uppföljningar" in text and "EST-lägesbild inför skolstarten" in text

    def test_a_bad_period_is_told_next_to_the_field(self, client, personas, demo):
        client.force_login(personas.reader)
        url = reverse("follow_up", args=[demo["strangnas-2020"].pk])
        text = client.get(url, {"fran": "2022-12-01", "till": "2022-01-01"}).text
        assert "Slutdatumet kan inte vara före startdatumet." in text
        assert "Fyll i ett giltigt datum." in client.get(url, {"fran": "igår"}).text

    def test_queries_do_not_grow_with_the_entries(self, client, personas, demo):
        agreement = demo["strangnas-2020"]
        client.force_login(personas.reader)
        url = reverse("follow_up", args=[agreement.pk])
        few = count_queries(client, url)
        rows = list(ActionItem.objects.filter(plan__agreement=agreement))
        for number in range(40):
            log(rows[number % len(rows)], D(2022, 5, 1), ItemStatus.IN_PROGRESS)
        assert count_queries(client, url) == few


# --- Indicators ---------------------------------------------------------------------------


class TestIndicators:
    def test_a_goal_on_a_focus_area_with_a_chart_and_a_table(self, client, personas, demo):
        agreement = demo["strangnas-2020"]
        area = agreement.focus_areas.order_by("position").last()
        client.force_login(personas.coordinator)
        data = {
            "name": "Andel trygga i centrum",
            "focus_area": area.pk,
            "unit": "procent",
            "direction": "increase",
            "baseline": "61",
            "baseline_on": "2021-12-31",
            "target": "75",
            "target_on": "2023-06-01",
        }
        response = client.post(reverse("indicator_create", args=[agreement.pk]), data)
        indicator = Indicator.objects.get(name="Andel trygga i centrum")
        assert response.url == reverse("indicator_detail", args=[agreement.pk, indicator.pk])
        url = response.url
        for day, value in (("2022-06-30", "64"), ("2022-12-31", "70")):
            client.post(url, {"measured_on": day, "value": value}, headers=HTMX)
        text = client.get(url).text
        svg = re.search(r"<svg.*?</svg>", text, re.S).group(0)
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert svg.count("<circle") == 2
        assert (
            "2 mätningar från 2022-06-30 till 2022-12-31: från 64 procent till 70 procent." in svg
        )
        assert "Utgångsvärde 61." in svg and "Målvärde 75." in svg
        table = re.search(r'<table class="measurements">.*?</table>', text, re.S).group(0)
        assert re.search(r"2022-12-31</th><td[^>]*>70</td>", table)

    def test_not_both_a_focus_area_and_a_row(self, client, personas, demo):
        agreement = demo["strangnas-2020"]
        client.force_login(personas.coordinator)
        data = {
            "name": "X",
            "direction": "increase",
            "focus_area": agreement.focus_areas.first().pk,
            "item": ActionItem.objects.filter(plan__agreement=agreement).first().pk,
        }
        text = client.post(reverse("indicator_create", args=[agreement.pk]), data).text
        assert "Välj ett fokusområde eller en rad, inte båda." in text
        assert not Indicator.objects.filter(name="X").exists()

    def test_a_second_value_on_a_date_replaces_the_first(self, client, personas, demo):
        indicator = Indicator.objects.get(agreement=demo["strangnas-2020"])
        client.force_login(personas.kommunpolis)
        url = reverse("indicator_detail", args=[indicator.agreement_id, indicator.pk])
        client.post(url, {"measured_on": "2022-12-31", "value": "12"})
        assert Measurement.objects.get(indicator=indicator, measured_on=D(2022, 12, 31)).value == 12
        assert indicator.measurements.count() == 4

    def test_readers_see_but_do_not_measure(self, client, personas, demo):
        indicator = Indicator.objects.get(agreement=demo["strangnas-2020"])
        client.force_login(personas.reader)
        url = reverse("indicator_detail", args=[indicator.agreement_id, indicator.pk])
        assert "Lägg till mätvärde" not in client.get(url).text
        assert client.post(url, {"measured_on": "2022-12-31", "value": "1"}).status_code == 403


# --- Reports ----------------------------------------------------------------------------


class TestReports:
    def test_the_yearly_report_for_strangnas_is_proposed_and_prefilled(
        self, client, personas, demo
    ):
        """The done-when: nothing the product knows is typed."""
        agreement = demo["strangnas-2020"]
        client.force_login(personas.coordinator)
        form = client.get(reverse("report_create", args=[agreement.pk])).text
        # The last full calendar year of an agreement that ended on 2023-06-01.
        assert 'value="2022-01-01"' in form and 'value="2022-12-31"' in form
        assert "Kommunstyrelsen i Strängnäs, Polisledningen" in form
        title = re.search(r'name="title"[^>]*value="([^"]+)"', form).group(1)
        response = client.post(
            reverse("report_create", args=[agreement.pk]),
            {
                "title": title,
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "recipients": "Kommunstyrelsen i Strängnäs, Polisledningen",
            },
        )
        report = FollowUpReport.objects.get(agreement=agreement)
        assert response.url == reverse("report_detail", args=[agreement.pk, report.pk])
        # 16 entries, one of them corrected by another: 15 facts (tests/test_report_period.py).
        assert report.summary.startswith("Under perioden 2022-01-01 – 2022-12-31 loggades 15")
        page = client.get(response.url).text
        assert "Alla högstadieskolor har fått föreläsningen under året." in page
        assert "BRÅ-möte: genomgång av handlingsplanen, kvartal 4." in page
        assert "SIG: ungdomar med individuell plan" in page and "<svg" in page
        assert "försenad" in page and "genomförd" in page

    def test_a_final_report_is_frozen_and_read_only(self, client, personas, demo):
        agreement = demo["strangnas-2020"]
        report = FollowUpReport.objects.create(
            agreement=agreement,
            title="Uppföljning 2022",
            period_start=D(2022, 1, 1),
            period_end=D(2022, 12, 31),
        )
        client.force_login(personas.coordinator)
        url = reverse("report_detail", args=[agreement.pk, report.pk])
        saved = client.post(
            url,
            {
                "title": report.title,
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "cooperation": "Samverkan fungerar väl i BRÅ.",
                "version": report.version,
            },
            headers=HTMX,
        )
        assert "Rapporten sparades." in saved.text
        confirm = reverse("report_finalise", args=[agreement.pk, report.pk])
        assert "Göra rapporten slutlig?" in client.get(confirm).text
        client.post(confirm)
        report.refresh_from_db()
        assert report.status == ReportStatus.FINAL and report.snapshot
        # Entries logged later for the period do not change what the final report shows.
        row = ActionItem.objects.filter(plan__agreement=agreement).first()
        log(row, D(2022, 7, 1), ItemStatus.DONE, what="Efterregistrerad insats")
        page = client.get(url).text
        assert "Efterregistrerad insats" not in page and "Samverkan fungerar väl i BRÅ." in page
        assert 'name="cooperation"' not in page
        # A save from a form opened before: told so, with what was typed; nothing written.
        late = client.post(url, {"title": "Ändrad"})
        assert late.status_code == 200 and "Rapporten gjordes slutlig" in late.text
        assert "Ändrad" in late.text and 'name="cooperation"' not in late.text
        report.refresh_from_db()
        assert report.title == "Uppföljning 2022"
        report.title = "Ändrad"
        with pytest.raises(ReportFinalError):
            report.save()
        with pytest.raises(ReportFinalError):
            FollowUpReport.objects.filter(pk=report.pk).update(title="Ändrad")
        with pytest.raises(ReportFinalError):
            report.delete()
        assert FollowUpReport.objects.get(pk=report.pk).title == "Uppföljning 2022"

    def test_the_pdf_carries_the_answers_the_entries_and_the_goals(self, client, personas, demo):
        agreement = demo["strangnas-2020"]
        report = FollowUpReport.objects.create(
            agreement=agreement,
            title="Uppföljning 2022",
            period_start=D(2022, 1, 1),
            period_end=D(2022, 12, 31),
            results="Färre ungdomar i brott.",
        )
        client.force_login(personas.reader)
        response = client.get(reverse("report_pdf", args=[agreement.pk, report.pk]))
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        for expected in (
            "UTKAST",
            "UPPFÖLJNINGSRAPPORT",
            "Färre ungdomar i brott.",
            "Trygghetsvandring i Finninge med boende och fastighetsägare.",
            "SIG: ungdomar med individuell plan",
            "4 mätningar från 2022-03-31 till 2022-12-31",
            "Sida 1 av",
        ):
            assert expected in text, expected

    def test_the_report_page_runs_as_many_queries_for_more_entries(self, client, personas, demo):
        agreement = demo["strangnas-2020"]
        report = FollowUpReport.objects.create(
            agreement=agreement, title="R", period_start=D(2022, 1, 1), period_end=D(2022, 12, 31)
        )
        client.force_login(personas.reader)
        url = reverse("report_detail", args=[agreement.pk, report.pk])
        few = count_queries(client, url)
        rows = list(ActionItem.objects.filter(plan__agreement=agreement))
        for number in range(30):
            log(rows[number % len(rows)], D(2022, 5, 1), ItemStatus.IN_PROGRESS)
        assert count_queries(client, url) == few


# --- Reminders ----------------------------------------------------------------------------


@pytest.fixture
def locmem(settings):
    """Django's test set-up already puts every mailer on the locmem backend (mail.outbox)."""
    assert settings.MAILERS["default"]["BACKEND"].endswith("locmem.EmailBackend")
    settings.SITE_URL = "https://samverkan.example"


class TestReminders:
    @pytest.fixture
    def rows(self, sollentuna):
        _agreement, plan = sollentuna
        police = plan.agreement.parties.get(organisation__kind="police_area").organisation
        municipality = plan.agreement.parties.get(organisation__name="Sollentuna").organisation
        overdue = add_row(plan, "Trygghetsvandring i Häggvik", due_on=D(2026, 11, 1))
        Responsibility.objects.create(item=overdue, position=1, organisation=police)
        soon = add_row(plan, "Föräldravandring", ends_on=D(2026, 12, 1))
        Responsibility.objects.create(item=soon, position=1, organisation=municipality)
        add_row(plan, "Långt fram", due_on=D(2027, 3, 1))
        return overdue, soon

    def test_each_responsible_person_hears_about_their_rows(self, locmem, rows):
        send_reminders(D(2026, 11, 23))
        by_address = {message.to[0]: message for message in mail.outbox}
        police = by_address["kommunpolis.sollentuna@example.org"].body
        assert "Trygghetsvandring i Häggvik" in police and "2026-11-01" in police
        assert "Föräldravandring" not in police and "Långt fram" not in police
        assert "https://samverkan.example/overenskommelser/" in police
        coordinator = by_address["samordnare.sollentuna@example.org"]
        assert (
            "Föräldravandring" in coordinator.body and "Förfaller inom 14 dagar" in coordinator.body
        )
        assert "Trygghetsvandring i Häggvik" not in coordinator.body
        assert "lasare.sollentuna@example.org" not in by_address  # readers get none
        # The agreement ends 2026-12-31: within 90 days, so its coordinators hear of it.
        assert "löper ut" in coordinator.body and "om 38 dagar" in coordinator.body
        # Sigtuna's coordinator hears of Sigtuna's own rows (the demo's current period), not
        # of Sollentuna's.
        assert (
            "Trygghetsvandring i Häggvik" not in by_address["samordnare.sigtuna@example.org"].body
        )

    def test_twice_the_same_day_sends_nothing_more(self, locmem, rows):
        assert send_reminders(D(2026, 11, 23)) == len(mail.outbox) > 0
        sent = len(mail.outbox)
        out = StringIO()
        call_command("send_reminders", "--date", "2026-11-23", stdout=out)
        assert len(mail.outbox) == sent
        assert out.getvalue() == "0 e-brev skickades.\n"
        # The next day the rows are told again, the 90-day notice is not.
        send_reminders(D(2026, 11, 24))
        next_day = {message.to[0]: message.body for message in mail.outbox[sent:]}
        assert "Trygghetsvandring i Häggvik" in next_day["kommunpolis.sollentuna@example.org"]
        assert "löper ut" not in next_day.get("samordnare.sigtuna@example.org", "")
        # Within 30 days the coordinators are told once more.
        before = len(mail.outbox)
        send_reminders(D(2026, 12, 2))
        assert any("inom 30 dagar" in m.body for m in mail.outbox[before:])

    def test_a_failed_send_is_not_recorded(self, locmem, rows, monkeypatch):
        def broken(*args, **kwargs):
            raise OSError("SMTP server down")

        monkeypatch.setattr("followup.reminders.send_mail", broken)
        with pytest.raises(OSError):
            send_reminders(D(2026, 11, 23))
        assert not SentReminder.objects.exists()


def test_entries_have_no_change_or_delete_path(client, personas, demo):
    """Append-only in the views: the only follow-up URL for entries adds one (the others
    add a seen mark or an attachment beside an entry, which leave the entry as it is)."""
    from followup import urls

    entry_views = [p.name for p in urls.urlpatterns if "entry" in p.name]
    assert entry_views == ["entry_create", "entry_seen", "entry_attachment_add"]
    entry = FollowUpEntry.objects.filter(item__plan__agreement=demo["strangnas-2020"]).first()
    client.force_login(personas.kommunpolis)
    url = reverse(
        "entry_create", args=[demo["strangnas-2020"].pk, entry.item.plan_id, entry.item_id]
    )
    before = FollowUpEntry.objects.count()
    client.post(
        url + f"?rattar={entry.pk}",
        {"occurred_on": "2022-02-10", "what_was_done": "Rättat", "status": "in_progress"},
    )
    assert FollowUpEntry.objects.count() == before + 1
    assert FollowUpEntry.objects.get(pk=entry.pk).what_was_done == entry.what_was_done
