"""What the public sees of a published citizen promise when its editors change it: a row
the public had feedback on is kept with it, and a revision is not shown until it is signed
(docs/public-pages.md)."""

import datetime

import pytest
from citizen_promises import PAGE, add_signed_pdf, forget_cache, make_promise
from django.urls import reverse
from django.utils import timezone

from citizens import publishing
from followup.models import PublicFeedback
from signing.lifecycle import revise


@pytest.fixture(autouse=True)
def empty_cache(db):
    forget_cache()
    yield
    forget_cache()


@pytest.fixture
def published(demo, personas):
    promise = make_promise(demo["strangnas-2020"], "Medborgarlöfte Strängnäs i år")
    publishing.publish(promise, personas.coordinator)
    return promise


def feedback_on(row, text, published_by):
    feedback = PublicFeedback.objects.create(
        item=row, written_on=datetime.date(2026, 5, 2), text=text
    )
    publishing.publish_feedback(feedback, published_by)


def test_a_promise_the_public_had_feedback_on_is_kept_with_its_feedback(
    client, personas, published
):
    """Deleting a row took its published feedback with it, unrecorded, though the feedback
    page itself refuses to delete published feedback: a row with feedback published (or
    mailed) is kept, as a row with follow-up entries is; feedback never shown is not."""
    plan = published.action_plans.get()
    kept, mailed, free = plan.items.order_by("position")[:3]
    feedback_on(kept, "Lampan är lagad.", personas.coordinator)
    taken_off = PublicFeedback.objects.create(item=mailed, written_on=datetime.date(2026, 5, 2))
    PublicFeedback.objects.filter(pk=taken_off.pk).update(mailed_at=timezone.now())
    PublicFeedback.objects.create(item=free, written_on=datetime.date(2026, 5, 2), text="Utkast")
    client.force_login(personas.coordinator)

    def delete(row, **headers):
        return client.post(
            reverse("row_delete", args=[published.pk, plan.pk, row.pk]), headers=headers
        )

    ask = client.get(reverse("row_delete", args=[published.pk, plan.pk, kept.pk]))
    assert "Raden kan inte tas bort:" in ask.text and "återkoppling till medborgarna" in ask.text
    answer = delete(kept, **{"HX-Request": "true"}).text
    assert "Raden kan inte tas bort: den har återkoppling till medborgarna" in answer
    delete(mailed)
    assert plan.items.filter(pk__in=[kept.pk, mailed.pk]).count() == 2
    assert PublicFeedback.objects.filter(item__in=[kept, mailed]).count() == 2
    assert (
        "Planen kan inte tas bort"
        in client.get(reverse("plan_delete", args=[published.pk, plan.pk])).text
    )

    delete(free)
    assert not plan.items.filter(pk=free.pk).exists()


def test_while_a_revision_is_drafted_the_public_sees_the_promise_as_signed(
    client, personas, published
):
    """Revidera on a published promise made the unsigned draft's title and words public
    (the page and the feed read the live agreement): they show the signed version's
    until the revision is signed; a promise the draft keeps has its status and feedback."""
    add_signed_pdf(published, b"%PDF-1.7 signed")
    plan = published.action_plans.get()
    kept, changed = plan.items.order_by("position")[:2]
    signed_words = changed.activity
    feedback_on(kept, "Lampan är lagad.", personas.coordinator)
    revise(published, personas.coordinator)
    published.refresh_from_db()
    published.title = "UTKAST EJ UNDERTECKNAT"
    published.save(update_fields=["title"])
    changed.activity = "Ett nytt löfte som ingen har skrivit under"
    changed.save(update_fields=["activity"])
    forget_cache()

    page = client.get(PAGE).text
    assert "Medborgarlöfte Strängnäs i år" in page and "UTKAST" not in page
    assert signed_words in page and "ingen har skrivit under" not in page
    assert kept.activity in page and "Lampan är lagad." in page
    feed = client.get(reverse("citizen_feed", args=["strangnas"])).text
    assert "Medborgarlöfte Strängnäs i år" in feed and "UTKAST" not in feed
