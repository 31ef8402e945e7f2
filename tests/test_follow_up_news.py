"""The loop after logging (issue 17, point 2): Att följa upp links to the logging page, the
writer's own organisation is ticked, entries new since the user's visit are marked "Ny"
(plan, timeline, Översikt), and an editor marks an entry as seen, which its writer sees."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from helpers import row_data

from actionplans.models import OPEN_STATUSES, ActionItem
from agreements.models import Agreement, AgreementVisit
from agreements.models.visits import FIRST_VISIT_LOOKS_BACK, VISIT_GAP
from followup.models import EntrySeen, FollowUpEntry

HTMX = {"HX-Request": "true"}


@pytest.fixture
def strangnas(demo):
    """Strängnäs' agreement and its plan, in force today with its rows overdue."""
    agreement = demo["strangnas-2020"]
    today = timezone.localdate()
    Agreement.objects.filter(pk=agreement.pk).update(valid_until=today + datetime.timedelta(365))
    plan = agreement.action_plans.get()
    ActionItem.objects.filter(plan=plan).update(due_on=today - datetime.timedelta(days=7))
    return Agreement.objects.get(pk=agreement.pk), plan


def log(item, user, text="Möte i BRÅ om tre unga.") -> FollowUpEntry:
    return FollowUpEntry.objects.create(
        item=item,
        occurred_on=timezone.localdate(),
        what_was_done=text,
        status="in_progress",
        author=user,
        author_name=user.get_full_name(),
    )


def entry_html(page: str, entry) -> str:
    """The timeline's item of one entry."""
    match = re.search(rf'<li id="post-{entry.pk}">(.*?)</li>', page, re.S)
    assert match, entry
    return match.group(1)


def checked_participants(page: str) -> set[int]:
    inputs = re.findall(r'<input type="checkbox" name="participants"[^>]*>', page)
    assert inputs
    return {int(re.search(r'value="(\d+)"', i).group(1)) for i in inputs if " checked" in i}


# --- Att följa upp links to the logging page ------------------------------------------------


def test_every_row_of_the_to_do_list_links_to_its_logging_page(client, personas, strangnas):
    agreement, plan = strangnas
    rows = list(plan.items.filter(status__in=OPEN_STATUSES))
    assert rows
    client.force_login(personas.kommunpolis)
    for url in (reverse("overview"), reverse("follow_up", args=[agreement.pk])):
        page = client.get(url).text
        for row in rows:
            assert reverse("entry_create", args=[agreement.pk, plan.pk, row.pk]) in page, url
    # A reader may not log: the row's place on the plan instead.
    client.force_login(personas.reader)
    page = client.get(reverse("overview")).text
    assert reverse("entry_create", args=[agreement.pk, plan.pk, rows[0].pk]) not in page
    assert reverse("plan_detail", args=[agreement.pk, plan.pk]) + f"#rad-{rows[0].pk}" in page


# --- The writer's own organisation ticked ---------------------------------------------------


def test_the_writers_own_organisation_is_ticked_in_advance(client, personas, strangnas):
    agreement, plan = strangnas
    item = plan.items.order_by("position").first()
    url = reverse("entry_create", args=[agreement.pk, plan.pk, item.pk])
    police = agreement.parties.get(label="Polis").organisation
    municipality = agreement.parties.exclude(pk=agreement.parties.get(label="Polis").pk).get()
    client.force_login(personas.kommunpolis)
    assert checked_participants(client.get(url).text) == {police.pk}
    client.force_login(personas.coordinator)
    assert checked_participants(client.get(url).text) == {municipality.organisation_id}
    # Shown again after an error, the user's own choice (none) stands.
    refused = client.post(url, {"occurred_on": "", "what_was_done": "", "status": "done"})
    assert "Detta fält måste fyllas i." in refused.text
    assert checked_participants(refused.text) == set()
    # A correction starts from the corrected entry's participants.
    entry = log(item, personas.kommunpolis)
    assert checked_participants(client.get(url + f"?rattar={entry.pk}").text) == set()


def test_nothing_is_ticked_for_one_of_no_party(client, personas, strangnas):
    agreement, plan = strangnas
    item = plan.items.order_by("position").first()
    client.force_login(personas.admin)  # an administrator belongs to no organisation
    url = reverse("entry_create", args=[agreement.pk, plan.pk, item.pk])
    assert checked_participants(client.get(url).text) == set()


# --- What a visit is ------------------------------------------------------------------------


def test_a_visit_marks_what_came_since_the_previous_one(personas, strangnas):
    agreement, _plan = strangnas
    user = personas.coordinator
    start = timezone.now() + datetime.timedelta(days=1)

    def stored():
        visit = AgreementVisit.objects.get(user=user, agreement=agreement)
        return visit.new_since, visit.last_seen_at

    # Each record returns where the visit's new entries begin, as stored.
    assert AgreementVisit.record(user, agreement.pk, now=start) == start - FIRST_VISIT_LOOKS_BACK
    assert stored() == (start - FIRST_VISIT_LOOKS_BACK, start)
    # Within the same sitting the new entries stay the same.
    later = start + VISIT_GAP / 2
    assert AgreementVisit.record(user, agreement.pk, now=later) == start - FIRST_VISIT_LOOKS_BACK
    assert stored() == (start - FIRST_VISIT_LOOKS_BACK, later)
    # The next sitting: new is what came after the last look.
    next_visit = later + VISIT_GAP * 3
    assert AgreementVisit.record(user, agreement.pk, now=next_visit) == later
    assert stored() == (later, next_visit)
    assert AgreementVisit.current_new_since(user, agreement.pk) == later
    assert AgreementVisit.objects.filter(user=user).count() == 1


@pytest.fixture
def news(personas, strangnas):
    """A visit of the coordinator that began before two new entries on the first row: one by
    the kommunpolis, one by the coordinator herself; the demo's entries are older."""
    agreement, plan = strangnas
    began = timezone.now()
    AgreementVisit.objects.create(
        user=personas.coordinator, agreement=agreement, last_seen_at=began, new_since=began
    )
    item = plan.items.order_by("position").first()
    theirs = log(item, personas.kommunpolis)
    own = log(item, personas.coordinator, "Bokat lokal.")
    return agreement, plan, item, theirs, own


def test_the_timeline_marks_entries_others_logged_since_the_visit_began(client, personas, news):
    agreement, _plan, _item, theirs, own = news
    client.force_login(personas.coordinator)
    page = client.get(reverse("follow_up", args=[agreement.pk])).text
    assert ">Ny</span>" in entry_html(page, theirs)
    assert ">Ny</span>" not in entry_html(page, own)  # one's own entry is never new
    assert page.count('class="news-mark"') == 1  # the demo's entries are older
    # Reloaded and filtered in the same sitting, it stays new.
    again = client.get(reverse("follow_up", args=[agreement.pk]), {"rad": theirs.item_id})
    assert ">Ny</span>" in entry_html(again.text, theirs)
    # To its writer it is not new.
    client.force_login(personas.kommunpolis)
    page = client.get(reverse("follow_up", args=[agreement.pk])).text
    assert ">Ny</span>" not in entry_html(page, theirs)


def test_the_plan_marks_rows_with_new_entries(client, personas, news):
    agreement, plan, item, _theirs, _own = news
    client.force_login(personas.coordinator)
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    timeline = reverse("follow_up", args=[agreement.pk])
    assert page.count('class="news-mark"') == 1
    row = re.search(rf'<tr id="rad-{item.pk}".*?</tr>', page, re.S).group(0)
    link = f'<a href="{timeline}?rad={item.pk}#tidslinje" class="news-mark">Ny uppföljning</a>'
    assert link in row
    # The reader's first visit looks back FIRST_VISIT_LOOKS_BACK: both entries are new.
    client.force_login(personas.reader)
    page = client.get(reverse("plan_detail", args=[agreement.pk, plan.pk])).text
    assert "Ny uppföljning" in page
    visit = AgreementVisit.objects.get(user=personas.reader, agreement=agreement)
    assert timezone.now() - visit.last_seen_at < VISIT_GAP


def test_the_plan_shown_again_with_a_rows_form_still_marks_new_entries(client, personas, news):
    """A row form shown again for a mistake is the plan page without a visit recorded: the
    news come from the visit as stored."""
    agreement, plan, item, _theirs, _own = news
    client.force_login(personas.coordinator)
    other = plan.items.exclude(pk=item.pk).order_by("position").first()
    url = reverse("row_edit", args=[agreement.pk, plan.pk, other.pk])
    page = client.post(url, row_data(other, due_on="inte ett datum")).text
    assert "Fyll i ett giltigt datum." in page
    assert page.count('class="news-mark"') == 1


def test_the_overview_counts_new_entries_until_the_agreement_is_looked_at(client, personas, news):
    agreement, _plan, _item, _theirs, _own = news
    client.force_login(personas.coordinator)
    overview = client.get(reverse("overview"))
    counts = {row["agreement_id"]: row["count"] for row in overview.context["news"]}
    assert counts[agreement.pk] == 1
    assert "Nytt i uppföljningen" in overview.text
    assert "1 uppföljning sedan ditt senaste besök" in overview.text
    client.get(reverse("follow_up", args=[agreement.pk]))  # looked at
    overview = client.get(reverse("overview"))
    assert agreement.pk not in {row["agreement_id"] for row in overview.context["news"]}


# --- Marked as seen ---------------------------------------------------------------------------


def test_an_editor_marks_an_entry_as_seen_and_its_writer_sees_it(client, personas, news):
    agreement, _plan, item, theirs, _own = news
    url = reverse("entry_seen", args=[agreement.pk, theirs.pk])
    client.force_login(personas.coordinator)
    timeline = client.get(reverse("follow_up", args=[agreement.pk])).text
    assert f'action="{url}"' in entry_html(timeline, theirs)
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    today = timezone.localdate().isoformat()
    assert f"Sedd av Samordnare Strängnäs {today}" in response.text
    seen = EntrySeen.objects.get(entry=theirs)
    assert seen.seen_by == personas.coordinator
    # Twice in a row, or by another editor later: the first mark stays.
    assert client.post(url).status_code == 302
    client.force_login(personas.admin)
    plain = client.post(url)
    assert plain.status_code == 302
    assert plain.url == reverse("follow_up", args=[agreement.pk]) + (
        f"?rad={item.pk}#post-{theirs.pk}"
    )
    again = EntrySeen.objects.get(entry=theirs)
    assert (again.seen_by, again.seen_at) == (personas.coordinator, seen.seen_at)
    # The writer sees it, on the timeline and on the row's logging page; no button is left.
    client.force_login(personas.kommunpolis)
    for page_url in (
        reverse("follow_up", args=[agreement.pk]),
        reverse("entry_create", args=[agreement.pk, item.plan_id, item.pk]),
    ):
        page = client.get(page_url).text
        shown = entry_html(page, theirs) if "uppfoljning/" in page_url[-13:] else page
        assert f"Sedd av Samordnare Strängnäs {today}" in shown
        assert f'action="{url}"' not in page


def test_who_may_not_mark_is_refused_and_not_offered(client, personas, user, news):
    agreement, _plan, _item, theirs, own = news
    url = reverse("entry_seen", args=[agreement.pk, theirs.pk])
    timeline = reverse("follow_up", args=[agreement.pk])
    # The writer: 403, and no button on their own entry.
    client.force_login(personas.kommunpolis)
    assert f'action="{url}"' not in client.get(timeline).text
    assert client.post(url).status_code == 403
    # A reader: 403, no button.
    client.force_login(personas.reader)
    assert "Markera som sedd" not in client.get(timeline).text
    assert client.post(url).status_code == 403
    # One who may not see the agreement: 404.
    client.force_login(personas.outsider)
    assert client.post(url).status_code == 404
    # GET changes nothing.
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 405
    # The coordinator's own entry: no button, 403.
    own_url = reverse("entry_seen", args=[agreement.pk, own.pk])
    assert f'action="{own_url}"' not in client.get(timeline).text
    assert client.post(own_url).status_code == 403
    assert not EntrySeen.objects.exists()


def test_an_entry_of_another_agreement_or_none_is_not_found(client, personas, demo, news):
    agreement, _plan, _item, theirs, _own = news
    client.force_login(personas.admin)
    other = demo["harnosand-2012"]
    assert client.post(reverse("entry_seen", args=[other.pk, theirs.pk])).status_code == 404
    missing = reverse("entry_seen", args=[agreement.pk, 2**31 - 1])
    assert client.post(missing).status_code == 404
    huge = f"/overenskommelser/{agreement.pk}/uppfoljning/poster/{'9' * 25}/sedd/"
    assert client.post(huge).status_code == 404
    assert not EntrySeen.objects.exists()


def test_an_editor_marks_an_entry_as_seen_on_the_rows_logging_page(client, personas, news):
    """The row's logging page lists its earlier entries: the same Markera som sedd as the
    timeline, by the same rules (editors only, never on one's own entry, the first mark
    kept), in place with scripts and back to the logging page without."""
    agreement, _plan, item, theirs, own = news
    url = reverse("entry_seen", args=[agreement.pk, theirs.pk])
    own_url = reverse("entry_seen", args=[agreement.pk, own.pk])
    logging = reverse("entry_create", args=[agreement.pk, item.plan_id, item.pk])
    client.force_login(personas.reader)
    assert client.get(logging).status_code == 403  # readers do not reach the page at all
    client.force_login(personas.coordinator)
    page = client.get(logging).text
    assert f'action="{url}"' in entry_html(page, theirs)
    assert f'action="{own_url}"' not in page  # one's own entry
    # After a save (the part swapped in place) the list still offers it.
    data = {"occurred_on": timezone.localdate().isoformat(), "what_was_done": "Lokalen bokad."}
    fragment = client.post(logging, {**data, "status": "in_progress"}, headers=HTMX).text
    assert "<html" not in fragment and f'action="{url}"' in entry_html(fragment, theirs)
    # Without scripts the mark leads back to the entry on this page.
    plain = client.post(url, {"tillbaka": "rad"})
    assert plain.status_code == 302 and plain.url == f"{logging}#post-{theirs.pk}"
    page = client.get(plain.url).text
    today = timezone.localdate().isoformat()
    assert f"Sedd av Samordnare Strängnäs {today}" in entry_html(page, theirs)
    assert f'action="{url}"' not in page
    # Another editor later: the first mark stays, and no button is offered to them.
    client.force_login(personas.admin)
    assert f'action="{url}"' not in client.get(logging).text
    client.post(url, {"tillbaka": "rad"})
    assert EntrySeen.objects.get(entry=theirs).seen_by == personas.coordinator
    # The kommunpolis who wrote it: no button on their own entry, and the mark shown.
    client.force_login(personas.kommunpolis)
    page = client.get(logging).text
    assert f'action="{url}"' not in page and f"Sedd av Samordnare Strängnäs {today}" in page
