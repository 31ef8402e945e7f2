"""The demo's public page of citizen promises (/medborgarloften/strangnas/) as a new user
meets it after `make run`: each piece of feedback under the promise it talks about, a year
in progress whatever the day, and words for a citizen rather than contract wording."""

import datetime
import re

import pytest
from citizen_promises import PAGE, forget_cache
from django.utils import timezone

from actionplans.models import ActionItem
from citizens.demo import publish_demo_promises
from exchange.demo import load_demo
from exchange.demo_promises import PROMISES, demo_citizen_promises
from followup.models import FollowUpEntry, PublicFeedback

# The word that tells each demo promise from the others, as a reader would look for it.
TOPICS = ["synliga", "polismöte", "belysning", "fältassistent", "trygghetsvandring"]


@pytest.fixture(autouse=True)
def empty_cache(db):
    forget_cache()
    yield
    forget_cache()


def named(text: str) -> set[str]:
    return {topic for topic in TOPICS if topic in text.lower()}


def test_each_topic_names_one_demo_promise():
    texts = [promise.text for promises in PROMISES.values() for promise in promises]
    assert sorted(topic for text in texts for topic in named(text)) == sorted(TOPICS)


def test_each_demo_feedback_lands_on_the_promise_whose_words_it_names(db):
    publish_demo_promises()
    feedback = list(
        PublicFeedback.objects.published()
        .filter(item__plan__agreement__in=demo_citizen_promises())
        .select_related("item")
    )
    promises = demo_citizen_promises().count()
    given = sum(len(p.feedback) for each in PROMISES.values() for p in each)
    assert given >= 3 and len(feedback) == given * promises  # none lost on the way
    for piece in feedback:
        assert named(piece.text), piece.text
        assert named(piece.text) <= named(piece.item.activity), (piece.item.activity, piece.text)


def test_on_the_public_page_the_feedback_sits_under_its_promise(client, db):
    publish_demo_promises()
    page = client.get(PAGE).text
    promises = page.split('<p class="promise-text">')[1:]
    assert len(promises) == sum(len(each) for each in PROMISES.values())
    shown = 0
    for promise in promises:
        text, _, rest = promise.partition("</p>")
        for feedback in re.findall(r'<li id="aterkoppling-\d+">(.*?)</li>', rest, re.S):
            shown += 1
            assert named(feedback) and named(feedback) <= named(text), (text, feedback)
    assert shown >= 3


@pytest.mark.parametrize(
    "day",
    [None, datetime.date(2031, 3, 1), datetime.date(2031, 6, 15), datetime.date(2031, 12, 30)],
)
def test_the_demo_promises_show_a_year_in_progress_whatever_the_day(db, day):
    """Most promises under way or done, with entries logged earlier in the promise's year,
    never after the day the demo is loaded; the feedback dated so too."""
    if day is not None:
        load_demo(today=day)
    day = day or timezone.localdate()
    publish_demo_promises(today=day)
    for promise in demo_citizen_promises().filter(first_year=day.year):
        rows = ActionItem.objects.filter(plan__agreement=promise)
        statuses = list(rows.values_list("status", flat=True))
        started = [status for status in statuses if status in ("in_progress", "done")]
        assert len(started) > len(statuses) / 2, statuses
        assert "done" in statuses and "in_progress" in statuses
        entries = FollowUpEntry.objects.filter(item__in=rows)
        assert entries.count() >= len(started)
        days = set(entries.values_list("occurred_on", flat=True))
        assert all(datetime.date(day.year, 1, 1) <= each <= day for each in days)
        if day >= datetime.date(day.year, 3, 1):
            assert len(days) > 3  # spread over the year so far, not all on one day
        written = PublicFeedback.objects.filter(item__in=rows).values_list("written_on", flat=True)
        assert written and all(datetime.date(day.year, 1, 1) <= each <= day for each in written)


def test_the_public_page_of_the_demo_shows_promises_under_way(client, db):
    publish_demo_promises()
    page = client.get(PAGE).text
    statuses = re.findall(r'<span class="status status-([a-z_]+)">', page)
    assert statuses.count("not_started") < len(statuses) / 2, statuses
    assert "Löper snart ut" not in page
    year = timezone.localdate().year
    assert f"<dt>Gäller</dt><dd>{year}" in page
