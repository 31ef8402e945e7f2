"""The public pages of citizen promises as a citizen uses them, without an account, in a
real browser at desktop and phone width with axe-core on every page: find the
municipality, read the promises and their feedback, follow them by e-mail, confirm and
stop; and the editors' Publicering för allmänheten."""

import datetime
import os
import re

import pytest
from browsing import WIDTHS, assert_accessible, log_in, opens
from citizen_promises import make_promise
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from agreements.models import Agreement
from citizens import publishing
from followup.models import PublicFeedback
from organisations.models import Membership

# Where screenshots go when asked for (SAMVERKAN_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("SAMVERKAN_SCREENSHOTS")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.fixture
def published_promise(site):
    cache.clear()  # the live server's pages of an earlier test, whose data is gone
    cooperation = Agreement.objects.get(reference="strangnas-2020")
    promise = make_promise(cooperation, "Medborgarlöfte för Strängnäs")
    editor = Membership.objects.get(user__username="samordnare.strangnas").user
    publishing.publish(promise, editor)
    row = promise.action_plans.get().items.order_by("position").first()
    feedback = PublicFeedback.objects.create(
        item=row,
        written_on=datetime.date(promise.first_year, 5, 20),
        text="Fyra trygghetsvandringar är gjorda och belysningen vid stationen är lagad.",
    )
    publishing.publish_feedback(feedback, editor)
    return promise


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_citizen_finds_reads_follows_and_stops(page, site, published_promise, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/medborgarloften/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medborgarlöften per kommun")
    assert_accessible(page)
    page.get_by_label("Kommun", exact=True).fill("strängnäs")
    opens(page, page.get_by_role("button", name="Sök"), "/medborgarloften/")
    shot(page, f"list-{width}")
    opens(page, page.get_by_role("link", name="Strängnäs"), "/medborgarloften/strangnas/")
    expect(page.get_by_text("belysningen vid stationen är lagad")).to_be_visible()
    expect(page.get_by_text("Stora torget")).to_be_visible()
    assert_accessible(page)
    shot(page, f"municipality-{width}")

    page.get_by_label("Din e-postadress").fill("inte en adress")
    page.get_by_role("button", name="Följ via e-post").click()
    expect(page.get_by_text("Fyll i en giltig e-postadress.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Din e-postadress").fill(f"anna{width}@example.se")
    page.get_by_role("button", name="Följ via e-post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kolla din e-post")
    assert_accessible(page)
    assert page.context.cookies() == []

    body = mail.outbox[-1].body
    page.goto(site + re.search(r"/medborgarloften/bekrafta/\S+/", body).group(0))
    assert_accessible(page)
    page.get_by_role("button", name="Börja följa").click()
    expect(page.get_by_text("följer nu medborgarlöftena i Strängnäs")).to_be_visible()
    assert_accessible(page)
    shot(page, f"confirmed-{width}")

    unsubscribe = re.search(r"/medborgarloften/avsluta/\S+/", body).group(0)
    page.goto(site + unsubscribe)
    assert_accessible(page)
    page.get_by_role("button", name="Sluta följa").click()
    expect(page.get_by_text("är borttagen")).to_be_visible()
    assert_accessible(page)
    assert page.context.cookies() == []


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_an_editor_publishes_feedback(page, site, published_promise, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/{published_promise.pk}/")
    opens(
        page,
        page.get_by_role("link", name="Publicering för allmänheten"),
        r"/overenskommelser/\d+/publicering/",
    )
    assert_accessible(page)
    text = page.get_by_role("textbox", name="Återkoppling till medborgarna")
    text.fill("Klottret vid skolan är sanerat.")
    page.get_by_role("button", name="Spara återkopplingen").click()
    expect(page.get_by_text("Återkopplingen är sparad.")).to_be_visible()
    assert_accessible(page)
    page.locator("li", has_text="Klottret vid skolan").get_by_role(
        "button", name="Publicera"
    ).click()
    expect(page.get_by_text("Återkopplingen är publicerad.")).to_be_visible()
    assert_accessible(page)
    shot(page, f"publication-{width}")
