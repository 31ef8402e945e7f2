"""A coordinator makes a draft ready for signature, registers the signatures with the
scanned paper, revises the agreement and compares the versions: in a real browser, with
axe-core on every page."""

from browsing import assert_accessible, log_in, opens
from django.utils import timezone
from helpers import complete_for_signing
from playwright.sync_api import expect

from agreements.models import Agreement
from printing.engine import render_pdf
from signing.models import AgreementVersion

TITLE = "Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023"


def test_a_coordinator_freezes_signs_revises_and_compares(page, site, tmp_path):
    log_in(page, site, "samordnare.strangnas")
    page.goto(f"{site}/overenskommelser/")
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("button", name="Kopiera till nytt utkast").click()
    opens(page, page.get_by_role("link", name=f"Kopia av {TITLE}").first, r"/overenskommelser/\d+/")
    assert_accessible(page)

    # The copy has what the check before signing asks for (test_check_before_signing).
    complete_for_signing(Agreement.objects.get(title=f"Kopia av {TITLE}"))
    opens(
        page,
        page.get_by_role("link", name="Klar för underskrift"),
        r"/overenskommelser/\d+/klar-for-underskrift/",
    )
    assert_accessible(page)
    page.get_by_label("Jag har sett varningarna").check()
    page.get_by_role("button", name="Klar för underskrift").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    expect(page.get_by_role("link", name="Skriv ut för underskrift (PDF)")).to_be_visible()
    expect(page.get_by_text("Kontrollsumma SHA-256")).to_be_visible()
    assert_accessible(page)

    opens(
        page,
        page.get_by_role("link", name="Registrera underskrift"),
        r"/overenskommelser/\d+/versioner/\d+/underskrift/",
    )
    assert_accessible(page)
    for number, field in enumerate(page.get_by_label("Namn").all()):
        field.fill(f"Undertecknare {number + 1}")
    for field in page.get_by_label("Ort").all():
        field.fill("Strängnäs")
    today = timezone.localdate().isoformat()
    for field in page.get_by_label("Datum").all():
        field.fill(today)
    scan = tmp_path / "underskriven.pdf"
    scan.write_bytes(render_pdf("<html lang='sv'><title>Skanning</title><p>Signerad</p></html>"))
    page.get_by_label("Den undertecknade överenskommelsen, skannad (PDF)").set_input_files(scan)
    page.get_by_role("button", name="Registrera underskrift").click()

    expect(page.get_by_text("Underskriften är registrerad.")).to_be_visible()
    expect(page.get_by_role("cell", name="Undertecknare 1")).to_be_visible()
    assert_accessible(page)
    assert AgreementVersion.objects.get(signed_on__isnull=False).signatures

    page.locator("nav.breadcrumbs a").first.click()
    page.get_by_role("button", name="Revidera").click()
    expect(page.get_by_text("Version 2 är ett utkast")).to_be_visible()
    page.goto(page.url.split("/utkast/")[0] + "/jamfor/")
    expect(page.get_by_role("heading", name="Jämför versioner")).to_be_visible()
    expect(page.get_by_label("med")).to_have_value("utkast")
    assert_accessible(page)
