"""Citizen promises for the public (citizens/): Publicera and Avpublicera by the promise's
editors only, recorded; feedback shown only once published, the follow-up log never; the
public pages without login and without cookies, cached and forgotten on publishing; the
signed PDF of published promises only; earlier years; the Atom feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from citizen_promises import PAGE, add_signed_pdf, forget_cache, make_promise
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from helpers import count_queries

from agreements.models import Agreement, AgreementKind
from citizens import publishing
from followup.models import FollowUpEntry, Publication, PublicFeedback
from organisations.names import name_slug
from signing.models import AgreementEvent, EventKind

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def empty_cache(db):
    forget_cache()
    yield
    forget_cache()


@pytest.fixture
def promise(demo):
    return make_promise(demo["strangnas-2020"], "Medborgarlöfte Strängnäs i år")


@pytest.fixture
def published(promise, personas):
    publishing.publish(promise, personas.coordinator)
    return promise


def first_row(promise):
    return promise.action_plans.get().items.order_by("position").first()


def feedback_on(promise, text, *, published_by=None):
    feedback = PublicFeedback.objects.create(
        item=first_row(promise), written_on=datetime.date(2026, 5, 2), text=text
    )
    if published_by:
        publishing.publish_feedback(feedback, published_by)
    return feedback


# --- Publicera and Avpublicera: who may, and what is recorded


def test_the_municipality_slug_is_the_demo_users_one():
    assert name_slug("Upplands Väsby") == "upplands-vasby"
    assert name_slug("Härnösand") == "harnosand"


@pytest.mark.parametrize("name", ["citizen_publication", "citizen_publish", "citizen_unpublish"])
def test_only_the_promise_editors_may_publish(client, user, personas, promise, name):
    url = reverse(name, args=[promise.pk])
    visit = client.get if name == "citizen_publication" else client.post
    assert visit(url).status_code == 302  # to the login page
    client.force_login(personas.outsider)
    assert visit(url).status_code == 404
    client.force_login(personas.reader)
    assert visit(url).status_code == 403
    assert not Publication.objects.filter(agreement=promise).exists()
    for editor in ("samordnare.strangnas", "kommunpolis.strangnas"):
        client.force_login(user(editor))
        assert visit(url).status_code == (200 if name == "citizen_publication" else 302)


def test_publish_and_unpublish_are_recorded_with_who_and_when(client, personas, promise):
    client.force_login(personas.kommunpolis)
    client.post(reverse("citizen_publish", args=[promise.pk]))
    publication = Publication.objects.get(agreement=promise)
    assert publication.published_by == personas.kommunpolis
    assert client.get(PAGE).status_code == 200
    client.post(reverse("citizen_unpublish", args=[promise.pk]))
    assert not Publication.objects.filter(agreement=promise).exists()
    events = AgreementEvent.objects.filter(agreement=promise).order_by("recorded_at", "pk")
    assert [(e.kind, e.recorded_by) for e in events] == [
        (EventKind.PUBLISHED, personas.kommunpolis),
        (EventKind.UNPUBLISHED, personas.kommunpolis),
    ]
    page = client.get(reverse("citizen_publication", args=[promise.pk])).text
    assert "Publicerat för allmänheten" in page and "Avpublicerat" in page


def test_a_draft_promise_cannot_be_published(client, personas, demo):
    draft = make_promise(demo["strangnas-2020"], "Utkast till medborgarlöfte", signed=False)
    client.force_login(personas.coordinator)
    page = client.get(reverse("citizen_publication", args=[draft.pk])).text
    assert "Bara ett undertecknat medborgarlöfte kan publiceras" in page
    response = client.post(reverse("citizen_publish", args=[draft.pk]), follow=True)
    assert "Bara ett undertecknat medborgarlöfte kan publiceras" in response.text
    assert not Publication.objects.exists()


def test_a_cooperation_agreement_has_no_publishing(client, personas, demo):
    client.force_login(personas.coordinator)
    agreement = demo["strangnas-2020"]
    assert client.get(reverse("citizen_publication", args=[agreement.pk])).status_code == 404
    assert client.post(reverse("citizen_publish", args=[agreement.pk])).status_code == 404


def test_the_promise_page_links_its_editors_to_publishing(client, personas, promise):
    link = reverse("citizen_publication", args=[promise.pk])
    client.force_login(personas.coordinator)
    assert link in client.get(promise.get_absolute_url()).text
    client.force_login(personas.reader)
    assert link not in client.get(promise.get_absolute_url()).text


# --- What the public sees


def test_an_unpublished_promise_is_never_shown(client, promise):
    assert client.get(PAGE).status_code == 404
    assert "Strängnäs" not in client.get(reverse("citizen_municipalities")).text
    assert client.get(PAGE + "flode.atom").status_code == 404


def test_the_public_page_shows_the_published_promise_without_login(client, published):
    listing = client.get(reverse("citizen_municipalities")).text
    assert f'href="{PAGE}"' in listing
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "Medborgarlöfte Strängnäs i år" in text
    assert first_row(published).activity.split("\n")[0][:40] in text
    assert "Ej påbörjad" in text or "Pågår" in text or "Klar" in text  # each row's status
    # How the promises were chosen: the dialogue's date, place and people reached.
    assert "Trygghetsvandring i centrum" in text and "Stora torget" in text
    assert "42 personer nådda" in text
    assert "14 mars" in text


def test_the_public_page_gives_the_period_not_the_internal_status(client, published):
    """In its last 90 days a promise is "Löper snart ut" inside (contract wording): the
    public page says when it applies, as the signed print does ("Gäller 2026")."""
    today = timezone.localdate()
    published.first_year = None
    published.valid_from = today - datetime.timedelta(days=300)
    published.valid_until = today + datetime.timedelta(days=30)
    published.save()
    assert published.status_on(today) == "expiring"
    text = client.get(PAGE).text
    assert "Löper snart ut" not in text and "<dt>Status</dt>" not in text
    assert f"<dt>Gäller</dt><dd>{published.period_printed}" in text


def test_unpublishing_takes_the_page_down_at_once_despite_the_cache(client, published, personas):
    assert client.get(PAGE).status_code == 200
    publishing.unpublish(published, personas.coordinator)
    assert client.get(PAGE).status_code == 404


def test_the_page_is_served_from_the_cache_in_one_query(client, published):
    client.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    # The one query reads the shared cache's table (settings.CACHES), so that a page taken
    # down is forgotten by every worker.
    assert [query["sql"] for query in queries] == [
        query["sql"] for query in queries if "samverkan_cache" in query["sql"]
    ]
    assert len(queries) == 1
    assert "max-age=60" in client.get(PAGE)["Cache-Control"]


def test_feedback_is_shown_only_once_published_and_the_follow_up_log_never(
    client, published, personas
):
    row = first_row(published)
    FollowUpEntry.objects.create(
        item=row,
        occurred_on=datetime.date(2026, 4, 1),
        what_was_done="Internt: samtal med Kalle Andersson om grannbråket",
        status="in_progress",
    )
    draft = feedback_on(published, "Vi har haft fyra trygghetsvandringar i våras.")
    text = client.get(PAGE).text
    assert "fyra trygghetsvandringar" not in text
    assert "Kalle Andersson" not in text
    publishing.publish_feedback(draft, personas.coordinator)
    text = client.get(PAGE).text
    assert "fyra trygghetsvandringar" in text and "2 maj 2026" in text
    assert "Kalle Andersson" not in text
    publishing.unpublish_feedback(draft)
    assert "fyra trygghetsvandringar" not in client.get(PAGE).text


def test_editors_write_and_publish_feedback_through_the_page(client, personas, published):
    client.force_login(personas.coordinator)
    url = reverse("citizen_publication", args=[published.pk])
    page = client.get(url).text
    assert "Skriv inte namn på privatpersoner" in page  # the warning next to the field
    row = first_row(published)
    response = client.post(url, {"item": row.pk, "written_on": "2026-06-01", "text": ""})
    assert response.status_code == 400
    assert "Detta fält måste fyllas i." in response.text
    client.post(url, {"item": row.pk, "written_on": "2026-06-01", "text": "Klotter sanerat."})
    feedback = PublicFeedback.objects.get()
    assert feedback.written_by == personas.coordinator and not feedback.is_published
    client.logout()
    assert "Klotter sanerat." not in client.get(PAGE).text
    client.force_login(personas.reader)
    publish = reverse("citizen_feedback_publish", args=[published.pk, feedback.pk])
    assert client.post(publish).status_code == 403
    client.force_login(personas.coordinator)
    client.post(publish)
    client.logout()
    assert "Klotter sanerat." in client.get(PAGE).text


@pytest.mark.parametrize("later", ["tomorrow", "2099-01-01"])
def test_feedback_dated_after_today_is_refused_next_to_its_date(client, personas, promise, later):
    """The date is the day the feedback is given to citizens, not a day planned."""
    client.force_login(personas.coordinator)
    url = reverse("citizen_publication", args=[promise.pk])
    today = timezone.localdate()
    if later == "tomorrow":
        later = (today + datetime.timedelta(days=1)).isoformat()
    data = {"item": first_row(promise).pk, "written_on": later, "text": "Klotter sanerat."}
    response = client.post(url, data)
    assert response.status_code == 400
    assert (
        '<p class="field-error" id="id_written_on_error">Återkopplingen kan inte dateras '
        "efter i dag: datera den den dag den ges.</p>" in response.text
    )
    assert not PublicFeedback.objects.exists()
    assert client.post(url, {**data, "written_on": today.isoformat()}).status_code == 302
    assert PublicFeedback.objects.get().written_on == today


def test_feedback_of_another_agreement_is_not_found(client, personas, published, demo):
    other = make_promise(demo["strangnas-2020"], "Ett annat medborgarlöfte")
    feedback = feedback_on(other, "Annan återkoppling")
    client.force_login(personas.coordinator)
    url = reverse("citizen_feedback_publish", args=[published.pk, feedback.pk])
    assert client.post(url).status_code == 404


def test_earlier_years_are_shown_with_how_they_went(client, demo, personas, published):
    last_year = timezone.localdate().year - 1
    earlier = make_promise(demo["strangnas-2020"], "Medborgarlöfte förra året", last_year)
    publishing.publish(earlier, personas.coordinator)
    feedback_on(earlier, "Målet nåddes.", published_by=personas.coordinator)
    text = client.get(PAGE).text
    earlier_part = text.split("Tidigare år")[1]
    assert "Medborgarlöfte förra året" in earlier_part and "Målet nåddes." in earlier_part
    assert "Medborgarlöfte Strängnäs i år" not in earlier_part


def test_the_signed_pdf_is_served_only_for_a_published_promise(client, promise, personas):
    from printing.documents import agreement_pdf

    add_signed_pdf(promise, agreement_pdf(promise))
    url = reverse("citizen_signed_pdf", args=["strangnas", promise.pk])
    assert client.get(url).status_code == 404
    publishing.publish(promise, personas.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert url in client.get(PAGE).text


def test_the_list_searches_by_name_and_filters_by_county(client, published):
    url = reverse("citizen_municipalities")
    assert "Strängnäs" in client.get(url, {"name": "strängn"}).text
    assert f'href="{PAGE}"' not in client.get(url, {"name": "Timrå"}).text
    assert f'href="{PAGE}"' in client.get(url, {"county": "Södermanlands län"}).text
    assert f'href="{PAGE}"' not in client.get(url, {"county": ""} | {"name": "zzz"}).text


# --- No cookies, and the Atom feed


def test_the_public_pages_set_no_cookies(client, published):
    for url in [reverse("citizen_municipalities"), PAGE, PAGE + "flode.atom"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
    # A form that fails on the page is shown again, still without a cookie.
    response = client.post(PAGE + "prenumerera/", {"email": "inte en adress"})
    assert response.status_code == 400 and not response.cookies


def test_the_atom_feed_holds_the_published_promise_and_feedback(client, published, personas):
    feedback_on(published, "Ej publicerad återkoppling")
    feedback_on(published, "Fler vandringar i höst.", published_by=personas.coordinator)
    response = client.get(PAGE + "flode.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert (entry.find(f"{ATOM}{required}").text or "").strip()
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    texts = ET.tostring(feed, encoding="unicode")
    assert "Fler vandringar i höst." in texts and "Medborgarlöfte Strängnäs i år" in texts
    assert "Ej publicerad" not in texts


@pytest.mark.parametrize(
    "name", ["citizen_feedback_publish", "citizen_feedback_unpublish", "citizen_feedback_delete"]
)
def test_only_the_promise_editors_change_its_feedback(client, personas, promise, name):
    feedback = feedback_on(promise, "Utkast till återkoppling")
    url = reverse(name, args=[promise.pk, feedback.pk])
    client.force_login(personas.outsider)
    assert client.post(url).status_code == 404
    client.force_login(personas.reader)
    assert client.post(url).status_code == 403
    client.force_login(personas.kommunpolis)
    assert client.post(url).status_code == 302


def test_published_feedback_is_taken_off_not_deleted(client, personas, published):
    feedback = feedback_on(published, "Publicerad text", published_by=personas.coordinator)
    client.force_login(personas.coordinator)
    client.post(reverse("citizen_feedback_delete", args=[published.pk, feedback.pk]))
    assert PublicFeedback.objects.filter(pk=feedback.pk).exists()


def test_the_demo_hook_publishes_signed_promises_with_feedback_once(client, promise, demo):
    from citizens.demo import publish_demo_promises

    draft = make_promise(demo["strangnas-2020"], "Ett utkast", signed=False)
    # The demo's own promises of this year are signed too (exchange/demo_promises.py).
    signed = Agreement.objects.filter(
        kind=AgreementKind.CITIZEN_PROMISE, signed_version__isnull=False
    ).values_list("reference", flat=True)
    assert promise.reference in signed and len(signed) > 1
    assert sorted(publish_demo_promises()) == sorted(signed)
    assert publish_demo_promises() == []
    assert not Publication.objects.filter(agreement=draft).exists()
    # The demo's feedback is written for the demo's own promises (tests/test_demo_public.py):
    # a promise made otherwise gets none.
    assert not PublicFeedback.objects.filter(item__plan__agreement=promise).exists()
    assert "trygghetsvandring i Mariefred tillsammans med boende" in client.get(PAGE).text


def test_the_page_runs_as_many_queries_with_more_promises_and_feedback(
    client, demo, personas, published
):
    feedback_on(published, "Första återkopplingen.", published_by=personas.coordinator)
    before = count_queries(client, PAGE)
    forget_cache()
    for number in range(2):
        more = make_promise(demo["strangnas-2020"], f"Medborgarlöfte {number}")
        publishing.publish(more, personas.coordinator)
        feedback_on(more, f"Återkoppling {number}.", published_by=personas.coordinator)
    forget_cache()
    assert count_queries(client, PAGE) == before


def test_habo_and_habo_each_have_their_own_address(client, published):
    """Håbo and Habo are both written 'habo': the public pages give each its kommunkod, as
    the municipality pages do, so neither address leads to the other's promises."""
    from organisations.models import Organisation

    habo_uppsala = Organisation.objects.municipalities().get(name="Håbo")
    party = published.parties.get(organisation__name="Strängnäs")
    party.organisation = habo_uppsala
    party.save()
    forget_cache()

    listed = client.get(reverse("citizen_municipalities")).text
    assert 'href="/medborgarloften/habo-0305/"' in listed
    assert client.get("/medborgarloften/habo-0305/").status_code == 200
    assert "Medborgarlöfte Strängnäs i år" in client.get("/medborgarloften/habo-0305/").text
    assert client.get("/medborgarloften/habo-0643/").status_code == 404
    assert client.get("/medborgarloften/habo/").status_code == 404
