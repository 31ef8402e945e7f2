"""Reports that tell the truth about their period (issue 17, point 6): rows added after the
period are not in it, a row is shown under the words it had then, a corrected entry is shown
as corrected beside its correction and counted once; in the PDF no heading stands alone at
the foot of a page; the file's name says what the report is. Each for a draft and for a
final (frozen) report."""

import datetime
import re
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import count_queries

from actionplans.models import ActionItem, ItemStatus
from agreements.models import Agreement
from followup.models import FollowUpEntry, FollowUpReport
from followup.report import build_contents, contents_of, summary_text
from printing.documents import report_html

D = datetime.date


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def add_row(plan, activity, recorded_on, **fields):
    """A row as if written on `recorded_on` (its first history record says so)."""
    position = plan.items.order_by("-position").values_list("position", flat=True).first() or 0
    row = ActionItem(plan=plan, position=position + 1, activity=activity, **fields)
    row._history_date = moment(recorded_on)
    row.save()
    return row


def rename(row, activity, recorded_on):
    row.activity = activity
    row._history_date = moment(recorded_on)
    row.save()


def log(item, day, what, status=ItemStatus.IN_PROGRESS, corrects=None):
    return FollowUpEntry.objects.create(
        item=item, occurred_on=day, what_was_done=what, status=status, corrects=corrects
    )


def shown_rows(contents) -> dict[str, dict]:
    return {row["activity"]: row for group in contents["groups"] for row in group["rows"]}


def report_for_2022(agreement, **fields):
    return FollowUpReport.objects.create(
        agreement=agreement,
        title="Uppföljning 2022",
        period_start=D(2022, 1, 1),
        period_end=D(2022, 12, 31),
        **fields,
    )


def finalised(report):
    assert report.finalise(build_contents(report), D(2023, 2, 1))
    return report


@pytest.fixture
def strangnas(demo):
    return demo["strangnas-2020"]


@pytest.fixture
def written_in_2021(strangnas):
    """Strängnäs' agreement as if written in the product in 2021 (the demo brings it in
    today, and rows that came with an agreement belong to all of its periods)."""
    Agreement.objects.filter(pk=strangnas.pk).update(created_at=moment(D(2021, 6, 1)))
    strangnas.refresh_from_db()
    plan = strangnas.action_plans.order_by("position").first()
    in_time = add_row(plan, "Trygghetsvandring i Paulinska parken", D(2022, 3, 1))
    later = add_row(plan, "Nattvandring i Mariefred", D(2023, 2, 1))
    log(in_time, D(2022, 5, 10), "Första vandringen")
    log(later, D(2022, 12, 20), "Inskriven i efterhand")  # a date in the period, all the same
    return strangnas, in_time, later


@pytest.mark.parametrize("final", [False, True], ids=["draft", "final"])
class TestRowsOfThePeriod:
    def test_a_row_added_after_the_period_is_not_counted(self, written_in_2021, final):
        agreement, in_time, later = written_in_2021
        report = report_for_2022(agreement)
        if final:
            finalised(report)
        contents = contents_of(report)
        rows = shown_rows(contents)
        assert in_time.activity in rows and later.activity not in rows
        # The demo's rows were recorded today, long after 2022: not part of it either.
        assert contents["row_count"] == 1 and contents["entry_count"] == 1
        assert "Inskriven i efterhand" not in report_html(agreement, report)

    def test_a_row_is_shown_under_the_name_it_had_in_the_period(self, written_in_2021, final):
        agreement, in_time, _later = written_in_2021
        rename(in_time, "Trygghetsvandring i hela Strängnäs", D(2023, 3, 1))
        report = report_for_2022(agreement)
        if final:
            finalised(report)
        assert list(shown_rows(contents_of(report))) == ["Trygghetsvandring i Paulinska parken"]
        html = report_html(agreement, report)
        assert "Paulinska parken" in html and "i hela Strängnäs" not in html

    def test_a_row_that_came_with_the_agreement_keeps_its_words_as_brought_in(
        self, strangnas, final
    ):
        """The demo brings the agreement in today: its rows belong to 2022, under the
        words they came with, not under a name given afterwards."""
        row = ActionItem.objects.get(plan__agreement=strangnas, activity="Team ungdom")
        row.activity = "Team unga vuxna"
        row.save()
        report = report_for_2022(strangnas)
        if final:
            finalised(report)
        rows = shown_rows(contents_of(report))
        assert "Team ungdom" in rows and "Team unga vuxna" not in rows
        assert "2022-09-02" in str(rows["Team ungdom"]["entries"])


@pytest.mark.parametrize("final", [False, True], ids=["draft", "final"])
def test_a_corrected_entry_is_shown_beside_its_correction_and_counted_once(
    client, personas, strangnas, final
):
    row = ActionItem.objects.get(plan__agreement=strangnas, activity="Team ungdom")
    before = build_contents(report_for_2022(strangnas))["entry_count"]
    wrong = log(row, D(2022, 10, 3), "Helgvandring med 40 ungdomar")
    log(row, D(2022, 10, 3), "Helgvandring med 14 ungdomar", corrects=wrong)
    report = report_for_2022(strangnas)
    if final:
        finalised(report)
    contents = contents_of(report)
    assert contents["entry_count"] == before + 1
    assert f"loggades {before + 1} uppföljningar" in summary_text(contents)
    (entry,) = [
        e
        for e in shown_rows(contents)["Team ungdom"]["entries"]
        if "Helg" in e["what_was_done"] and e["occurred_on"] == "2022-10-03"
    ]
    assert entry["what_was_done"] == "Helgvandring med 14 ungdomar"
    assert [earlier["what_was_done"] for earlier in entry["corrected"]] == [wrong.what_was_done]
    client.force_login(personas.reader)
    page = client.get(reverse("report_detail", args=[strangnas.pk, report.pk])).text
    correction = re.search(r"Helgvandring med 14 ungdomar.*?</p>", page, re.S).group(0)
    assert "Rättar en tidigare uppföljning, som löd" in correction
    assert re.search(r"<del>.*Helgvandring med 40 ungdomar.*</del>", correction, re.S)
    assert page.count("Helgvandring med 40 ungdomar") == 1


def test_the_report_page_runs_as_many_queries_for_more_rows_with_history(
    client, personas, written_in_2021
):
    agreement, in_time, _later = written_in_2021
    report = report_for_2022(agreement)
    client.force_login(personas.reader)
    url = reverse("report_detail", args=[agreement.pk, report.pk])
    few = count_queries(client, url)
    for number in range(12):
        row = add_row(in_time.plan, f"Rad {number}", D(2022, 2, 1))
        rename(row, f"Rad {number} omdöpt", D(2022, 6, 1))
        log(row, D(2022, 4, 1), "Gjort")
    assert count_queries(client, url) == few


# --- The PDF ------------------------------------------------------------------------------


def page_texts(content: bytes) -> list[list[str]]:
    """Each page's lines of text as pdftotext reads them, without the footer."""
    text = subprocess.run(
        [shutil.which("pdftotext"), "-layout", "-", "-"], input=content, capture_output=True
    ).stdout.decode()
    pages = []
    for page in text.split("\f")[:-1]:
        lines = [" ".join(line.split()) for line in page.splitlines()]
        pages.append(
            [line for line in lines if line and not re.fullmatch(r"Sida \d+ av \d+", line)]
        )
    return pages


def headings_of(html: str) -> set[str]:
    """The headings' texts, and the tables' captions (a caption is a heading too)."""
    found = re.findall(r"<(h[1-4]|caption)[^>]*>(.*?)</\1>", html, re.S)
    return {" ".join(re.sub(r"<[^>]+>", "", heading).split()) for _tag, heading in found}


def is_heading(line: str, headings: set[str]) -> bool:
    """The line is a heading, or its last line when it wraps, or the line that introduces
    the activities (a heading's lead: alone at the foot of a page it is as bad)."""
    if line.startswith("Status vid periodens slut"):
        return True
    return any(line == h or (len(line) > 8 and h.endswith(line)) for h in headings)


@pytest.mark.parametrize("final", [False, True], ids=["draft", "final"])
def test_no_page_of_the_pdf_ends_with_a_heading(client, personas, strangnas, final):
    """The demo's report for 2022 with its answers written: before, the activities' heading
    and its lead stood at the foot of page 2, and the measurable goal (chart and table as
    one unbreakable block) left a third of the page empty."""
    report = report_for_2022(
        strangnas,
        cooperation="Samverkan fungerar väl i BRÅ. " * 8,
        implementation="Aktiviteterna genomfördes i stort sett enligt plan. " * 6,
        results="Färre ungdomar i brott. " * 5,
    )
    report.summary = summary_text(build_contents(report))
    report.save()
    if final:
        finalised(report)
    client.force_login(personas.reader)
    response = client.get(reverse("report_pdf", args=[strangnas.pk, report.pk]))
    headings = headings_of(report_html(strangnas, report))
    pages = page_texts(response.content)
    assert len(pages) >= 3
    for number, lines in enumerate(pages[:-1], start=1):
        content_after = [line for line in lines[-3:] if not is_heading(line, headings)]
        last_heading = max(
            (index for index, line in enumerate(lines) if is_heading(line, headings)), default=-1
        )
        assert len(lines) - 1 - last_heading >= 2, (number, lines[-4:])
        assert content_after, (number, lines[-4:])


# --- The file's name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("final", "name"),
    [
        (False, "Uppföljningsrapport Strängnäs 2022-01-01–2022-12-31 utkast.pdf"),
        (True, "Uppföljningsrapport Strängnäs 2022-01-01–2022-12-31.pdf"),
    ],
    ids=["draft", "final"],
)
def test_the_file_name_says_what_the_report_is(client, personas, strangnas, final, name):
    report = report_for_2022(strangnas)
    if final:
        finalised(report)
    client.force_login(personas.reader)
    response = client.get(reverse("report_pdf", args=[strangnas.pk, report.pk]))
    plain = name.replace("ö", "o").replace("ä", "a").replace("–", "-")
    assert response["Content-Disposition"] == (
        f"inline; filename=\"{plain}\"; filename*=utf-8''{quote(name)}"
    )
    assert response["Content-Disposition"].isascii()


def page_filled(content: bytes, page: int) -> float:
    """How far down its text area (A4, 22 mm margins) the page's text reaches, 0 to 1,
    leaving out the footer."""
    words = subprocess.run(
        [shutil.which("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=content,
        capture_output=True,
    ).stdout.decode()
    top, bottom = 22 / 25.4 * 72, 841.89 - 22 / 25.4 * 72
    lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', words) if float(y) < bottom)
    return (lowest - top) / (bottom - top)


@pytest.mark.parametrize("final", [False, True], ids=["draft", "final"])
def test_page_two_is_not_left_half_empty(client, personas, strangnas, final):
    """A report as created, its answers not yet written: before, the measurable goal (its
    chart and its table as one block) went whole to page 3 and left page 2 at 60 %."""
    report = report_for_2022(strangnas)
    if final:
        finalised(report)
    client.force_login(personas.reader)
    response = client.get(reverse("report_pdf", args=[strangnas.pk, report.pk]))
    assert page_filled(response.content, 2) > 0.8
    assert not any(
        is_heading(lines[-1], headings_of(report_html(strangnas, report)))
        for lines in page_texts(response.content)[:-1]
    )
