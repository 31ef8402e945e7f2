"""A kommunpolis logs an entry with a photo from the scene, on a phone and on a desktop: the
photo is shown with the saved entry, opens from its link, and has lost its location; axe
on the form and after the save."""

from io import BytesIO

import pytest
from browsing import assert_accessible
from PIL import Image
from playwright.sync_api import expect
from test_followup_in_browser import open_logging

from followup.models import Attachment

GPS_IFD = 0x8825


def scene_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Testkamera"
    exif[GPS_IFD] = {1: "N", 2: (59.0, 22.0, 30.0), 3: "E", 4: (17.0, 1.0, 15.0)}
    output = BytesIO()
    Image.new("RGB", (64, 48), "green").save(output, "JPEG", exif=exif.tobytes())
    return output.getvalue()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_photo_is_attached_to_an_entry(page, site, width):
    open_logging(page, site)
    page.set_viewport_size({"width": width, "height": 900})
    expect(
        page.get_by_text("Foton sparas utan uppgifter om plats och kamera").first
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Vad som gjordes").fill("Trygghetsvandring vid resecentrum.")
    page.get_by_label("Bifoga ett dokument eller foto").set_input_files(
        {"name": "scen.jpg", "mimeType": "image/jpeg", "buffer": scene_photo()}
    )
    page.get_by_role("button", name="Spara uppföljningen").click()

    expect(page.get_by_role("status")).to_have_text("Uppföljningen sparades.")
    saved = page.locator("#sparad")
    link = saved.get_by_role("link", name="scen.jpg", exact=True)
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    response = page.request.get(site + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    image = Image.open(BytesIO(response.body()))
    assert image.size == (64, 48) and not image.getexif()
    assert Attachment.objects.get().entry.what_was_done == "Trygghetsvandring vid resecentrum."
