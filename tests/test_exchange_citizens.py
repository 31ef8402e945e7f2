"""The JSON format carries what a citizen promise tells the public: whether and since when it
is published, and the feedback to citizens on its rows, published or not. A copy and next
year's promise carry neither."""

import datetime
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from helpers import remove_follow_up_entries, without_people
from test_exchange import empty_the_database, export_command

from agreements.models import AgreementStatus
from citizens.models import Subscription
from exchange.copying import copy_agreement
from exchange.demo_promises import demo_citizen_promises
from exchange.importer import DocumentError, import_document
from exchange.next_promise import start_next_promise
from followup.models import Publication, PublicFeedback
from organisations.models import OrganisationKind

PUBLISHED_AT = datetime.datetime(2026, 2, 3, 9, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def published_promise(demo):
    """A demo citizen promise on the public page, with a published and an unpublished piece
    of feedback on its first row and a published one on its second."""
    promise = demo_citizen_promises().order_by("reference").first()
    Publication.objects.update_or_create(agreement=promise, defaults={"published_at": PUBLISHED_AT})
    PublicFeedback.objects.filter(item__plan__agreement=promise).delete()
    first, second = promise.action_plans.first().items.order_by("position")[:2]
    PublicFeedback.objects.create(
        item=first,
        written_on=datetime.date(2026, 3, 15),
        text="Trygghetsvandringen i centrum är genomförd.",
        published_at=PUBLISHED_AT + datetime.timedelta(days=40),
        mailed_at=PUBLISHED_AT + datetime.timedelta(days=41),
    )
    PublicFeedback.objects.create(
        item=first, written_on=datetime.date(2026, 4, 1), text="Utkast, inte publicerat ännu."
    )
    PublicFeedback.objects.create(
        item=second,
        written_on=datetime.date(2026, 2, 20),
        text="Polisen har varit på plats vid skolan varje fredag.",
        published_at=PUBLISHED_AT + datetime.timedelta(days=20),
    )
    return promise


def test_export_writes_the_publication_and_the_feedback(published_promise):
    (agreement,) = export_command(str(published_promise.pk))["agreements"]
    assert agreement["publication"] == {"published_at": "2026-02-03T09:30:15.123456+00:00"}
    first, second = agreement["action_plans"][0]["items"][:2]
    assert first["public_feedback"] == [
        {
            "written_on": "2026-03-15",
            "text": "Trygghetsvandringen i centrum är genomförd.",
            "published_at": "2026-03-15T09:30:15.123456+00:00",
        },
        {"written_on": "2026-04-01", "text": "Utkast, inte publicerat ännu.", "published_at": None},
    ]
    assert [feedback["written_on"] for feedback in second["public_feedback"]] == ["2026-02-20"]
    # Who published and when it was mailed stay out; a row without feedback has no list.
    assert "published_by" not in json.dumps(agreement) and "mailed" not in json.dumps(agreement)
    assert all("public_feedback" not in item for item in agreement["action_plans"][0]["items"][2:])


def test_round_trip_keeps_the_publication_and_the_feedback(published_promise):
    first = export_command(str(published_promise.pk))
    empty_the_database()
    assert not Publication.objects.exists() and not PublicFeedback.objects.exists()
    (imported,) = import_document(first)
    assert without_people(export_command("--all")) == without_people(first)
    assert imported.publication.published_at == PUBLISHED_AT
    assert imported.publication.published_by is None  # no users travel
    feedback = PublicFeedback.objects.filter(item__plan__agreement=imported)
    assert feedback.count() == 3 and feedback.published().count() == 2


def test_imported_published_feedback_is_never_mailed_again(published_promise):
    document = export_command(str(published_promise.pk))
    municipality = published_promise.parties.get(
        organisation__kind=OrganisationKind.MUNICIPALITY
    ).organisation
    remove_follow_up_entries()  # the demo's entries on it refuse to be deleted
    published_promise.delete()
    Subscription.objects.create(
        municipality=municipality,
        email="anna@example.se",
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    (imported,) = import_document(document)
    waiting = PublicFeedback.objects.filter(item__plan__agreement=imported)
    assert not waiting.published().filter(mailed_at__isnull=True).exists()
    assert waiting.filter(published_at__isnull=True, mailed_at__isnull=True).count() == 1
    mail.outbox.clear()
    call_command("send_public_feedback", stdout=StringIO())
    assert mail.outbox == []


def test_a_copy_is_not_published_and_has_no_feedback(published_promise):
    copy = copy_agreement(published_promise)
    assert copy.status == AgreementStatus.DRAFT
    assert not Publication.objects.filter(agreement=copy).exists()
    assert not PublicFeedback.objects.filter(item__plan__agreement=copy).exists()
    # The original keeps both.
    assert Publication.objects.filter(agreement=published_promise).exists()
    assert PublicFeedback.objects.filter(item__plan__agreement=published_promise).count() == 3


def test_next_years_promise_is_not_published_and_has_no_feedback(published_promise):
    year = published_promise.counted_period()[0].year
    draft = start_next_promise(published_promise, datetime.date(year, 11, 1))
    assert draft.follows == published_promise
    assert not Publication.objects.filter(agreement=draft).exists()
    assert not PublicFeedback.objects.filter(item__plan__agreement=draft).exists()


@pytest.fixture
def document(published_promise):
    document = export_command(str(published_promise.pk))
    document["agreements"][0]["reference"] = "ett-nytt-lofte"
    return document


@pytest.mark.parametrize(
    ("break_it", "field", "message"),
    [
        (
            lambda agreement: agreement["publication"].update(published_at="igår"),
            "publication.published_at",
            '"igår" är inte ett giltigt datum och klockslag',
        ),
        (
            lambda agreement: agreement["publication"].update(
                published_at="2026-02-30T10:00:00+01:00"
            ),
            "publication.published_at",
            '"2026-02-30T10:00:00+01:00" är inte ett giltigt datum och klockslag',
        ),
        (
            lambda agreement: agreement["action_plans"][0]["items"][0]["public_feedback"][0].update(
                text=""
            ),
            "action_plans[0].items[0].public_feedback[0].text",
            "får inte vara tomt",
        ),
        (
            lambda agreement: agreement.update(kind="cooperation_agreement"),
            "publication",
            "bara ett medborgarlöfte kan publiceras",
        ),
    ],
    ids=["not-a-time", "impossible-day", "empty-text", "not-a-promise"],
)
def test_bad_publication_or_feedback_is_refused_in_swedish(document, break_it, field, message):
    break_it(document["agreements"][0])
    with pytest.raises(DocumentError) as error:
        import_document(document)
    assert any(f": {field}: " in text and message in text for text in error.value.messages), (
        error.value.messages
    )
    assert not Publication.objects.filter(agreement__reference="ett-nytt-lofte").exists()


def test_a_backup_archive_restores_the_publication_and_the_feedback(published_promise, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command(
        "export_agreement", str(published_promise.pk), "--archive", str(archive), stdout=StringIO()
    )
    reference = published_promise.reference
    remove_follow_up_entries()  # the demo's entries on it refuse to be deleted
    published_promise.delete()
    call_command("import_agreement", str(archive), stdout=StringIO())
    publication = Publication.objects.get(agreement__reference=reference)
    assert publication.published_at == PUBLISHED_AT
    feedback = PublicFeedback.objects.filter(item__plan__agreement__reference=reference)
    assert sorted(feedback.values_list("written_on", "published_at")) == [
        (datetime.date(2026, 2, 20), PUBLISHED_AT + datetime.timedelta(days=20)),
        (datetime.date(2026, 3, 15), PUBLISHED_AT + datetime.timedelta(days=40)),
        (datetime.date(2026, 4, 1), None),
    ]
