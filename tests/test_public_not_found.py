"""A missing page under /medborgarloften/ answers with the public pages' own 404
(docs/public-pages.md), not the internal app's."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url", ["/medborgarloften/finnsinte/", "/medborgarloften/strangnas/finns/inte/"]
)
def test_a_missing_public_page_is_a_public_404_without_a_cookie(db, client, settings, url):
    """Not the internal app's 404 (its menu, "Logga in", an organisation you are not a
    member of, and base.html's CSRF cookie): the public pages' look and words."""
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 404
    assert not response.cookies and "Set-Cookie" not in response.headers
    page = response.text
    assert "<title>Sidan finns inte här – Medborgarlöften</title>" in page
    assert "ingen kommun eller sida på den här adressen" in page
    assert f'href="{reverse("citizen_municipalities")}">Alla kommuner med medborgarlöften' in page
    assert "Logga in" not in page and "organisation" not in page
    # Elsewhere the internal 404 page stays.
    internal = client.get("/finns-inte/")
    assert internal.status_code == 404 and "Logga in" in internal.text
