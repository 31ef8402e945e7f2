"""A kommunpolis logs the week's work from a phone, and a coordinator follows up: in a real
browser at 390 pixels, with axe-core on every page and after every swap."""

from browsing import assert_accessible, log_in, opens
from playwright.sync_api import expect

from followup.models import FollowUpEntry

PHONE = {"width": 390, "height": 844}
ROW = "Team ungdom"


def open_strangnas(page, site, username):
    """Log in on a phone and open the Strängnäs agreement from the list, as a user would."""
    page.set_viewport_size(PHONE)
    log_in(page, site, username)
    page.goto(f"{site}/overenskommelser/")
    opens(
        page,
        page.get_by_role(
            "link",
            name="Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023",
        ),
        r"/overenskommelser/\d+/",
    )


def open_logging(page, site):
    """As the kommunpolis: the plan, then Logga uppföljning on the row."""
    open_strangnas(page, site, "kommunpolis.strangnas")
    opens(
        page,
        page.get_by_role("link", name="Öppna handlingsplanen"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/",
    )
    assert_accessible(page)
    # Loaded, not only shown: htmx (a deferred script) has then set the form up.
    page.locator("tr.plan-row", has_text=ROW).locator("summary").click()  # the row's Mer
    opens(
        page,
        page.locator("tr.plan-row", has_text=ROW).get_by_role("link", name="Logga uppföljning"),
        r"/overenskommelser/\d+/handlingsplaner/\d+/rader/\d+/uppfoljning/",
    )


def test_a_kommunpolis_logs_an_entry_on_a_phone(page, site):
    open_logging(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga uppföljning")
    expect(page.get_by_text("Uppföljningen blir allmänna handlingar")).to_be_visible()
    assert_accessible(page)
    # One screen: the form fits the phone's width, with no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.noReload = true")

    page.get_by_label("Vad som gjordes").fill("Helgvandring i centrum med fältgruppen.")
    page.get_by_label("Strängnäs").check()
    page.get_by_label("Iakttagen effekt").fill("Lugnt vid resecentrum.")
    page.get_by_label("pågår").check()
    page.get_by_role("button", name="Spara uppföljningen").click()

    expect(page.get_by_role("status")).to_have_text("Uppföljningen sparades.")
    entries = page.locator("ol.entries > li")
    expect(entries.first).to_contain_text("Helgvandring i centrum med fältgruppen.")
    assert page.evaluate("window.noReload") is True  # saved in place, with htmx
    expect(page.get_by_label("Vad som gjordes")).to_have_value("")  # ready for the next one
    assert_accessible(page)
    entry = FollowUpEntry.objects.get(what_was_done="Helgvandring i centrum med fältgruppen.")
    assert entry.author_name and entry.status == "in_progress"

    # A second entry straight away: the fresh form ticks the status just saved, not the
    # one the row had when the page was opened (which would put the row back).
    page.get_by_label("Vad som gjordes").fill("Sista helgvandringen för året.")
    page.get_by_label("genomförd", exact=True).check()
    page.get_by_role("button", name="Spara uppföljningen").click()
    expect(entries.first).to_contain_text("Sista helgvandringen för året.")
    expect(page.get_by_label("genomförd", exact=True)).to_be_checked()
    expect(page.get_by_label("pågår", exact=True)).not_to_be_checked()
    assert page.evaluate("window.noReload") is True


def test_a_bad_entry_is_told_next_to_the_field_on_a_phone(page, site):
    open_logging(page, site)
    page.get_by_label("Datum", exact=True).fill("")
    page.get_by_role("button", name="Spara uppföljningen").click()
    expect(page.locator(".field-error").first).to_contain_text("Detta fält måste fyllas i.")
    expect(page.get_by_label("Vad som gjordes")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_the_follow_up_page_and_a_report_on_a_phone(page, site):
    open_strangnas(page, site, "samordnare.strangnas")
    page.get_by_role("link", name="Uppföljning och rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning")
    expect(page.get_by_role("img", name="SIG: ungdomar med individuell plan")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Från", exact=True).fill("2022-12-01")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.locator("#tidslinje")).to_contain_text("2 uppföljningar")
    assert_accessible(page)
    page.get_by_role("link", name="Ny uppföljningsrapport").click()
    expect(page.get_by_label("Period från")).to_have_value("2022-01-01")
    assert_accessible(page)
    page.get_by_role("button", name="Skapa rapporten").click()
    expect(page.get_by_role("heading", name="Aktiviteterna under perioden")).to_be_visible()
    # 16 entries, one corrected by another: 15 facts.
    expect(page.get_by_label("Sammanfattning")).to_contain_text("loggades 15 uppföljningar")
    assert_accessible(page)


def test_a_coordinator_assesses_the_parties_and_activities(page, site):
    """Bedömning, at 1280 and at 390 pixels: a rating per party (its words, not only a
    colour) and, per activity, whether it was done and whether it worked."""
    open_strangnas(page, site, "samordnare.strangnas")
    page.get_by_role("link", name="Uppföljning och rapporter").click()
    page.get_by_role("link", name="Ny uppföljningsrapport").click()
    page.get_by_role("button", name="Skapa rapporten").click()
    expect(
        page.get_by_role("heading", name="Parternas uppfyllelse av sina åtaganden")
    ).to_be_visible()
    assert_accessible(page)
    opens(
        page,
        page.get_by_role("link", name="Bedöm parterna och aktiviteterna"),
        r"/overenskommelser/\d+/uppfoljning/rapporter/\d+/bedomning/",
    )
    for size in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page)
    municipality = page.get_by_role("group", name="Hur Strängnäs kommun uppfyllde sina åtaganden")
    municipality.get_by_label("gul: delvis uppfyllt").check()
    page.get_by_label("Kommentar om Strängnäs kommun").fill("Två av tre möten hölls.")
    row = page.locator("fieldset.assessment-item", has_text="SIG Sociala insatsgrupper")
    row.get_by_label("Genomfördes den?").select_option(label="genomförd")
    row.get_by_label("Gav den effekt?").select_option(label="för tidigt att säga")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("#bedomning-form .flash")).to_have_text("Bedömningen sparades.")
    assert_accessible(page)
    opens(
        page,
        page.get_by_role("link", name="Tillbaka till rapporten"),
        r"/overenskommelser/\d+/uppfoljning/rapporter/\d+/",
    )
    expect(page.locator("#bedomning")).to_contain_text("Gul: delvis uppfyllt")
    expect(page.locator("#bedomning")).to_contain_text("Två av tre möten hölls.")
    expect(page.locator(".report-assessment-line").first).to_contain_text(
        "Genomfördes den? genomförd · Gav den effekt? för tidigt att säga"
    )
    for size in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page)
