"""What several test modules do: count a page's queries, read a PDF's text, remove the
demo's follow-up entries, post a row form, copy Strängnäs' agreement as a new draft, tell
the demo's citizen promises from the seed agreements, do things at the same moment."""

import datetime
import re
import shutil
import subprocess
import threading

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchange.copying import copy_agreement
from exchange.demo_current import demo_current_agreements
from exchange.demo_promises import demo_citizen_promises


def demo_promise_titles(*municipalities) -> list[str]:
    """The titles of this year's demo citizen promises (exchange/demo_promises.py) of
    these municipalities, or of all."""
    promises = demo_citizen_promises().filter(first_year=timezone.localdate().year)
    if municipalities:
        promises = promises.filter(parties__organisation__name__in=municipalities)
    return sorted(promises.values_list("title", flat=True))


def demo_current_titles(*municipalities) -> list[str]:
    """The titles of the demo's invented current periods (exchange/demo_current.py) in force
    today of these municipalities, or of all."""
    current = [a for a in demo_current_agreements() if a.is_in_force(timezone.localdate())]
    if municipalities:
        current = [
            a for a in current if a.parties.filter(organisation__name__in=municipalities).exists()
        ]
    return sorted(agreement.title for agreement in current)


def without_demo_promises(titles) -> list[str]:
    """The titles but the demo's invented agreements' (its citizen promises and current
    periods), for tests about the seed agreements."""
    invented = set(demo_citizen_promises().values_list("title", flat=True))
    invented |= set(demo_current_agreements().values_list("title", flat=True))
    return [title for title in titles if title not in invented]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def pdf_text(content: bytes) -> str:
    """A PDF's text as pdftotext (poppler-utils) reads it, on one line."""
    result = subprocess.run(
        [shutil.which("pdftotext"), "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    # Words hyphenated at a line end (WeasyPrint's hyphens: auto) are joined again.
    text = " ".join(result.stdout.decode().split())
    return HYPHENATED.sub("", text)


# A hyphen between two lower-case letters at a line end: a word hyphenated by the printer.
HYPHENATED = re.compile(r"(?<=[a-zåäöé])- (?=[a-zåäöé])")


def pdf_words(content: bytes) -> str:
    """A PDF's text in drawing order, without spaces, line breaks or hyphens: what a test
    looks for survives any line breaking and hyphenation, and table cells stay whole."""
    result = subprocess.run(
        [shutil.which("pdftotext"), "-raw", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return squeeze(result.stdout.decode())


def squeeze(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def remove_follow_up_entries():
    """Entries refuse to be deleted (they are official records); a test that needs rows
    without them, as on a new installation, removes them below the model."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM followup_followupentry_participants")
        cursor.execute("UPDATE followup_followupentry SET corrects_id = NULL")
        cursor.execute("DELETE FROM followup_followupentry")


def row_data(item, **changes) -> dict:
    """What the Strängnäs row form posts when opened on `item` and `changes` are typed."""
    data = {
        "version": item.version,
        "focus_area": item.focus_area_id or "",
        "activity": item.activity,
        "communication": item.communication,
        "when_text": item.when_text,
        "starts_on": item.starts_on or "",
        "ends_on": item.ends_on or "",
        "due_on": item.due_on or "",
        "recurrence": item.recurrence,
    }
    for party in item.plan.agreement.parties.all():
        data[f"party_{party.pk}"] = item.party_text(party.organisation_id) if item.pk else ""
    data.update(changes)
    return data


def complete_for_signing(agreement):
    """Add to a draft what the check before signing (signing/readiness.py) requires and it
    lacks: a problem with its causes, addressed by a row of every plan (a plan without rows
    gets one), goals with an indicator, how the work is documented and followed up, the
    period, and a signatory for each signing party. What it already holds stays."""
    from actionplans.models import ActionItem
    from agreements.models import (
        OverallGoal,
        PartyRole,
        ProblemArea,
        ProblemItem,
        ProblemPicture,
        Section,
        Signatory,
    )
    from followup.models import Indicator
    from samverkan.ordering import next_position

    agreement.refresh_from_db()  # the lifecycle's steps write past the object in memory
    changes = {}
    if not (agreement.valid_from or agreement.first_year or agreement.length_years):
        changes["first_year"] = timezone.localdate().year
    if not agreement.follow_up_by:
        changes["follow_up_by"] = "Kommunpolisen och samordnaren"
    type(agreement).objects.filter(pk=agreement.pk).update(**changes)
    agreement.refresh_from_db()
    picture, _created = ProblemPicture.objects.get_or_create(agreement=agreement)
    area = ProblemArea.objects.create(
        problem_picture=picture, position=next_position(picture.areas.all()), title="Område"
    )
    problem = ProblemItem.objects.create(
        area=area, position=1, text="Otrygghet i centrum", probable_causes="Dålig belysning"
    )
    ProblemItem.objects.filter(area__problem_picture=picture, probable_causes="").update(
        probable_causes="Okänt ännu"
    )
    for plan in agreement.action_plans.all():
        if not plan.items.exists():
            ActionItem.objects.create(plan=plan, position=1, activity="Trygghetsvandring")
        for problem_item in ProblemItem.objects.filter(area__problem_picture=picture):
            problem_item.action_items.add(plan.items.first())
    if not agreement.overall_goals.exists():
        OverallGoal.objects.create(agreement=agreement, position=1, text="Ökad trygghet")
    if not agreement.indicators.exists():
        Indicator.objects.create(agreement=agreement, position=1, name="Andel trygga")
    if not agreement.sections.filter(body__icontains="dokumenter").exists():
        Section.objects.create(
            agreement=agreement,
            position=next_position(agreement.sections.all()),
            heading="Dokumentation",
            body="Arbetet dokumenteras i Samverkan.",
        )
    for party in agreement.parties.exclude(role=PartyRole.PARTICIPANT):
        if not party.signatories.exists():
            Signatory.objects.create(
                agreement=agreement,
                party=party,
                position=next_position(agreement.signatories.all()),
                name=f"Undertecknare för {party.shown_name}",
            )
    return problem


def make_ready(agreement, user):
    """Klar för underskrift as an editor does it who has completed the draft and seen its
    warnings: the check before signing itself is tested in test_check_before_signing."""
    from signing import lifecycle, readiness

    complete_for_signing(agreement)
    findings = readiness.check_before_signing(agreement)
    seen = {finding.code for finding in readiness.warnings(findings)}
    return lifecycle.make_ready(agreement, user, seen_warnings=seen)


def strangnas_draft(demo):
    """A draft copy of Strängnäs' agreement for 2026–2029, with its parties, text and plan."""
    agreement = copy_agreement(demo["strangnas-2020"], title="Samverkan i Strängnäs 2026–2029")
    agreement.valid_from = datetime.date(2026, 1, 1)
    agreement.valid_until = datetime.date(2029, 12, 31)
    agreement.save()
    return agreement


# The environment of a production server, for tests that start one (settings, gunicorn).
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-production-secret-" + "k" * 40,
    "ALLOWED_HOSTS": "samverkan.example.se",
}


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def without_people(document):
    """A JSON document without the rows' responsible people: they name users, and users do
    not travel with a file or an archive (a new installation has none of them)."""
    if isinstance(document, dict):
        return {k: without_people(v) for k, v in document.items() if k != "responsible_person"}
    if isinstance(document, list):
        return [without_people(value) for value in document]
    return document


def signature_data(version, signed_on: str, /, **per_signer) -> dict:
    """Registrera underskrift's formset for every signer of `version`, each signing on
    `signed_on` in Strängnäs; `per_signer` overrides a field of every signer."""
    from signing.views import _signers

    signers = _signers(version)
    data = {
        "underskrift-TOTAL_FORMS": str(len(signers)),
        "underskrift-INITIAL_FORMS": str(len(signers)),
        "underskrift-MIN_NUM_FORMS": "1",
        "underskrift-MAX_NUM_FORMS": "1000",
    }
    for number, signer in enumerate(signers):
        values = {
            "organisation": signer["organisation"],
            "name": signer.get("name") or f"Person {number}",
            "title": signer.get("title", ""),
            "place": "Strängnäs",
            "signed_on": signed_on,
        } | per_signer
        data.update({f"underskrift-{number}-{key}": value for key, value in values.items()})
    return data


def logged_in(username):
    """A client of its own (for a thread of its own), logged in as `username`."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def at_once(*calls) -> list:
    """Each call in a thread of its own, all let go at the same moment (real concurrency,
    on whichever database the run uses: each thread has its own connection, closed when
    it ends; a transactional test, see `demo_loaded_again`). Their results, in order; an
    error in one is raised here."""
    start = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(number, call):
        try:
            start.wait()
            results[number] = call()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
