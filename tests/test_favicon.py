"""The site's icon: every page links the static favicon.svg (the internal pages, the public
ones and the error pages), and /favicon.ico, which browsers and crawlers ask for anyway,
answers with a redirect to it instead of a 404; production serves the file (whitenoise,
after collectstatic) and the Content-Security-Policy allows it."""

import re

import pytest
from django.test import Client

ICON_LINK = re.compile(r'<link rel="icon" href="(/static/favicon(\.[0-9a-f]{12})?\.svg)"')


@pytest.mark.parametrize("page", ["/", "/medborgarloften/", "/finns-inte/"])
def test_every_page_links_the_icon_the_error_pages_too(client, personas, page):
    client.force_login(personas.coordinator)
    assert ICON_LINK.search(client.get(page).text)


def test_the_pages_of_a_failed_request_link_the_icon(rf):
    """500.html and 503.html stand on their own (templates/error_page.html)."""
    from samverkan.errors import server_error

    assert ICON_LINK.search(server_error(rf.get("/")).content.decode())


def test_favicon_ico_is_the_static_icon_without_a_cookie(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize("persona", ["reader", "outsider", "coordinator"])
def test_favicon_ico_is_the_same_for_everyone_logged_in(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/favicon.svg")


def test_production_serves_the_icon_favicon_ico_leads_to(db, production_storage):
    """With collectstatic's hashed names, as whitenoise serves them; the page's
    Content-Security-Policy lets the browser load an image from the site itself."""
    client = Client()
    response = client.get("/favicon.ico")
    location = response["Location"]
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", location)
    icon = client.get(location)
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)
    policy = client.get("/medborgarloften/")["Content-Security-Policy"]
    assert ICON_LINK.search(client.get("/medborgarloften/").text)[1] == location
    assert re.search(r"(^|;)\s*img-src [^;]*'self'", policy)
