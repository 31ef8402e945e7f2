"""Two-factor sign-in for local accounts (issue 18 point 3, organisations.second_factor):
required of administrators and organisation administrators before their pages, of everyone
with a password in an organisation that asks it, offered to everyone else; a code from the
app or a recovery code after the password. The codes are computed here from the secret,
with allauth.mfa's own TOTP functions."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from organisations import second_factor
from organisations.models import Organisation

PASSWORD = "samverkan-demo"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def fresh_cache(db):
    """allauth remembers used codes in the cache; each test starts without any."""
    cache.clear()


def code_for(secret, *, steps_ago=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_ago))


def log_in(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def with_second_factor(user):
    TOTP.activate(user, SECRET)
    return RecoveryCodes.activate(user).get_unused_codes()


def test_the_admin_is_refused_until_the_second_factor_is_set_up(client, personas):
    assert log_in(client, "admin")["Location"] == "/"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_setup") + "?next=")
    # An ordinary page is open: the admin pages are the ones that require it.
    assert client.get(reverse("overview")).status_code == 200

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Slå på tvåstegsinloggning" in page.text
    secret = client.session[second_factor.NEW_KEY]
    assert secret in page.text
    assert "data:image/svg+xml;base64," in page.text

    wrong = client.post(response["Location"], {"code": "000000", "next": "/admin/"})
    assert "Koden stämmer inte" in wrong.text
    assert not Authenticator.objects.filter(user=personas.admin).exists()

    done = client.post(response["Location"], {"code": code_for(secret), "next": "/admin/"})
    assert "Dina återställningskoder" in done.text
    codes = second_factor.unused_recovery_codes(personas.admin)
    assert len(codes) == 10
    assert all(code in done.text for code in codes)
    assert client.get("/admin/").status_code == 200


def test_the_organisation_administrators_pages_are_refused_without_it(client, personas):
    organisation = personas.org_admin.memberships.get().organisation
    members = reverse("members", args=[organisation.pk])
    log_in(client, personas.ORG_ADMIN)
    assert client.get(members)["Location"].startswith(reverse("second_factor_setup"))
    assert client.get(reverse("overview")).status_code == 200

    # With a second factor not given in this session (signed in before it was set up),
    # the code is asked, not the set-up.
    with_second_factor(personas.org_admin)
    response = client.get(members)
    assert response["Location"].startswith(reverse("second_factor_code"))
    client.post(response["Location"], {"code": code_for(SECRET), "next": members})
    assert client.get(members).status_code == 200


def test_the_admins_own_login_page_leads_to_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == reverse("login") + "?next=/admin/"


def test_sign_in_asks_for_the_code_after_the_password(client, personas):
    with_second_factor(personas.admin)
    response = log_in(client, "admin", next_url="/admin/")
    assert response["Location"] == reverse("second_factor_code")
    # Not signed in yet: the password alone opens nothing.
    assert client.get(reverse("overview"))["Location"].startswith(reverse("login"))

    page = client.get(reverse("second_factor_code"))
    assert "Ange din kod" in page.text
    wrong = client.post(reverse("second_factor_code"), {"code": "123"})
    assert "Koden är inte rätt" in wrong.text
    assert client.get(reverse("overview")).status_code == 302

    response = client.post(reverse("second_factor_code"), {"code": code_for(SECRET)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert personas.admin.last_sign_in.method == "password"


def test_a_code_is_good_once(client, personas):
    with_second_factor(personas.coordinator)
    code = code_for(SECRET)
    log_in(client, personas.COORDINATOR)
    assert client.post(reverse("second_factor_code"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, personas.COORDINATOR)
    again = client.post(reverse("second_factor_code"), {"code": code})
    assert again.status_code == 200
    assert "Koden är inte rätt" in again.text


def test_the_code_that_turned_it_on_does_not_sign_in_again(client, personas):
    """Whoever saw the set-up code typed cannot use it for a sign-in in the same minute."""
    log_in(client, "admin")
    client.get(reverse("second_factor_setup"))
    code = code_for(client.session[second_factor.NEW_KEY])
    done = client.post(reverse("second_factor_setup"), {"code": code})
    assert "Dina återställningskoder" in done.text
    client.post(reverse("logout"))
    log_in(client, "admin")
    again = client.post(reverse("second_factor_code"), {"code": code})
    assert again.status_code == 200
    assert "Koden är inte rätt" in again.text


def test_the_code_the_app_showed_just_before_is_taken_an_older_one_is_not(client, personas):
    """A code typed as the app turned over, or from a phone a few seconds off, is not
    wrong (MFA_TOTP_TOLERANCE, RFC 6238); one from a minute ago is."""
    with_second_factor(personas.coordinator)
    log_in(client, personas.COORDINATOR)
    old = client.post(reverse("second_factor_code"), {"code": code_for(SECRET, steps_ago=2)})
    assert "Koden är inte rätt" in old.text
    just_before = code_for(SECRET, steps_ago=1)
    assert client.post(reverse("second_factor_code"), {"code": just_before}).status_code == 302


def test_a_used_code_is_kept_where_every_worker_sees_it(client, personas):
    """allauth keeps used codes in the cache: a cache of one worker's memory would let the
    same code in again through another worker (settings.CACHES)."""
    with_second_factor(personas.coordinator)
    log_in(client, personas.COORDINATOR)
    assert client.post(reverse("second_factor_code"), {"code": code_for(SECRET)}).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM samverkan_cache")
        keys = [key for (key,) in cursor.fetchall()]
    assert any("allauth.mfa.totp.used" in key for key in keys)


def test_sign_in_with_a_recovery_code_used_once(client, personas):
    codes = with_second_factor(personas.coordinator)
    log_in(client, personas.COORDINATOR)
    response = client.post(reverse("second_factor_code"), {"code": codes[3]})
    assert response["Location"] == "/"
    assert client.get(reverse("overview")).status_code == 200
    assert codes[3] not in second_factor.unused_recovery_codes(personas.coordinator)

    client.post(reverse("logout"))
    log_in(client, personas.COORDINATOR)
    assert client.post(reverse("second_factor_code"), {"code": codes[3]}).status_code == 200
    assert client.post(reverse("second_factor_code"), {"code": codes[4]}).status_code == 302


def test_too_many_wrong_codes_start_the_sign_in_again(client, personas):
    with_second_factor(personas.coordinator)
    log_in(client, personas.COORDINATOR)
    for _attempt in range(second_factor.PENDING_ATTEMPTS - 1):
        assert client.post(reverse("second_factor_code"), {"code": "111111"}).status_code == 200
    response = client.post(reverse("second_factor_code"), {"code": "111111"})
    assert response["Location"] == reverse("login")
    # The right code no longer helps: the password must be given again.
    assert client.post(reverse("second_factor_code"), {"code": code_for(SECRET)})[
        "Location"
    ] == reverse("login")
    assert client.get(reverse("overview")).status_code == 302
    # The wrong codes count in django-axes' lockout as wrong passwords do.
    attempt = AccessAttempt.objects.get(username=personas.COORDINATOR)
    assert attempt.failures_since_start == second_factor.PENDING_ATTEMPTS


def test_offered_to_everyone_else_and_never_forced(client, personas):
    log_in(client, personas.READER)
    overview = client.get(reverse("overview"))
    assert overview.status_code == 200
    assert reverse("second_factor") in overview.text
    page = client.get(reverse("second_factor"))
    assert reverse("second_factor_setup") in page.text
    assert "måste" not in page.text

    client.get(reverse("second_factor_setup"))
    secret = client.session[second_factor.NEW_KEY]
    client.post(reverse("second_factor_setup"), {"code": code_for(secret)})
    assert second_factor.has_second_factor(personas.reader)

    # A reader may turn it off again, with a code.
    client.post(reverse("second_factor_off"), {"code": "000000"})
    assert second_factor.has_second_factor(personas.reader)
    # Not with the code that turned it on (used), with one of the recovery codes.
    client.post(reverse("second_factor_off"), {"code": code_for(secret)})
    assert second_factor.has_second_factor(personas.reader)
    recovery_code = second_factor.unused_recovery_codes(personas.reader)[0]
    client.post(reverse("second_factor_off"), {"code": recovery_code})
    assert not second_factor.has_second_factor(personas.reader)


def test_an_administrator_cannot_turn_it_off(client, personas):
    with_second_factor(personas.admin)
    log_in(client, "admin")
    client.post(reverse("second_factor_code"), {"code": code_for(SECRET)})
    cache.clear()
    client.post(reverse("second_factor_off"), {"code": code_for(SECRET)})
    assert second_factor.has_second_factor(personas.admin)


def test_an_organisation_may_require_it_of_all_its_local_accounts(client, personas):
    organisation = personas.reader.memberships.get().organisation
    Organisation.objects.filter(pk=organisation.pk).update(second_factor_required=True)
    log_in(client, personas.READER)
    response = client.get(reverse("overview"))
    assert response["Location"].startswith(reverse("second_factor_setup"))
    assert client.get(reverse("second_factor")).status_code == 200

    # Someone of another organisation is not asked.
    client.post(reverse("logout"))
    log_in(client, personas.OUTSIDER)
    assert client.get(reverse("overview")).status_code == 200


def test_an_organisation_requiring_it_leaves_provider_accounts_to_the_provider(client, personas):
    reader = personas.reader
    reader.set_unusable_password()
    reader.save()
    Organisation.objects.filter(memberships__user=reader).update(second_factor_required=True)
    client.force_login(reader)
    session = client.session
    del session[second_factor.PASSED]
    session.save()
    assert client.get(reverse("overview")).status_code == 200


def test_the_organisation_setting_is_in_the_admin(admin_client_with_second_factor):
    organisation = Organisation.objects.get(kommunkod="0486")
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    assert 'name="second_factor_required"' in admin_client_with_second_factor.get(url).text


@pytest.fixture
def admin_client_with_second_factor(client, personas):
    client.force_login(personas.admin)
    return client


@pytest.mark.parametrize(
    "name",
    ["second_factor", "second_factor_setup", "second_factor_off", "second_factor_new_codes"],
)
def test_ones_own_pages_ask_for_a_login_first(client, name):
    response = client.post(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_code_page_without_a_password_first_leads_to_the_login_page(client, personas):
    with_second_factor(personas.coordinator)
    assert client.get(reverse("second_factor_code"))["Location"] == reverse("login")
    assert client.post(reverse("second_factor_code"), {"code": code_for(SECRET)})[
        "Location"
    ] == reverse("login")
    assert client.get(reverse("overview")).status_code == 302
