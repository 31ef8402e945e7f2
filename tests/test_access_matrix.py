"""Every URL of the project, walked as anonymous, as an outsider and as a member."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "logout", "accessibility"}


def project_patterns(patterns=None, prefix=""):
    """(name, route) of every named URL outside Django's own admin and i18n views."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or str(pattern.pattern).startswith("i18n"):
                continue
            yield from project_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, prefix + str(pattern.pattern)


PATTERNS = sorted(project_patterns())


def url_for(name, route, agreement):
    return reverse(name, kwargs={"pk": agreement.pk} if "<int:pk>" in route else {})


def test_the_walk_finds_the_pages():
    assert {"overview", "agreement_list", "agreement_detail", "login", "accessibility"} <= {
        name for name, _route in PATTERNS
    }


@pytest.mark.parametrize(("name", "route"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_every_url_as_anonymous_outsider_and_member(client, user, demo, name, route):
    agreement = demo["strangnas-2020"]
    url = url_for(name, route, agreement)
    if name == "logout":
        assert client.post(url).status_code == 302
        return

    anonymous = client.get(url)
    if name in PUBLIC:
        assert anonymous.status_code == 200
    else:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login"))

    client.force_login(user("samordnare.timra"))
    outsider = client.get(url)
    if "<int:pk>" in route:
        assert outsider.status_code == 404
    else:
        assert outsider.status_code == 200
        assert agreement.title not in outsider.text

    for member in ("samordnare.strangnas", "kommunpolis.strangnas", "lasare.strangnas"):
        client.force_login(user(member))
        response = client.get(url)
        assert response.status_code == 200, member
        if name != "accessibility":
            assert agreement.title in response.text or name == "login", member
