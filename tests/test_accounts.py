"""Accounts and errors as people expect: change your password, reset a forgotten one by
e-mail, sessions that end when idle, Swedish 403/404/405 pages, /healthz over plain HTTP."""

import datetime
import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from helpers import PRODUCTION, login

from organisations.accounts import IdleSessionMiddleware

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "samverkan-demo"
NEW_PASSWORD = "Vintergatan-Kaffe-71"


def field_error(response, name):
    """The message shown next to a form field (see _field.html), or None."""
    found = re.search(rf'<p class="field-error" id="id_{name}_error">(.*?)</p>', response.text)
    return found and found.group(1)


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


# Change your own password


def test_the_menu_links_to_the_password_change_page(client, personas):
    client.force_login(personas.kommunpolis)
    overview = client.get(reverse("overview"))
    assert f'href="{reverse("password_change")}"' in overview.text
    assert "Byt lösenord" in overview.text


def test_a_weak_new_password_is_refused_in_swedish_next_to_the_field(client, user, personas):
    client.force_login(personas.coordinator)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "<h1>Byt lösenord</h1>" in page.text
    for typed, message in [
        ("12345678", "vanligt"),  # common and only digits
        ("kort", "för kort"),
        ("samordnare.strangnas", "likt"),  # like the user name
    ]:
        refused = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": typed, "new_password2": typed},
        )
        assert refused.status_code == 200
        assert message in field_error(refused, "new_password1"), typed
    mismatch = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "annat"},
    )
    assert "stämmer inte överens" in field_error(mismatch, "new_password2")
    wrong_old = client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "felaktigt" in field_error(wrong_old, "old_password")
    assert personas.coordinator.check_password(PASSWORD)  # unchanged


def test_a_changed_password_keeps_the_session_and_replaces_the_old_one(db):
    client = Client()
    assert login(client, "samordnare.strangnas", PASSWORD).status_code == 302
    changed = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302 and changed.url == reverse("password_change_done")
    done = client.get(changed.url)
    assert "Ditt lösenord är bytt" in done.text
    assert client.get(reverse("overview")).status_code == 200  # still logged in
    assert login(Client(), "samordnare.strangnas", PASSWORD).status_code == 200  # refused
    assert login(Client(), "samordnare.strangnas", NEW_PASSWORD).status_code == 302


def test_a_changed_password_ends_the_users_other_sessions(db):
    phone, desk = Client(), Client()
    for client in (phone, desk):
        assert login(client, "kommunpolis.strangnas", PASSWORD).status_code == 302
    phone.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert phone.get(reverse("overview")).status_code == 200
    assert desk.get(reverse("overview")).status_code == 302  # to the login page


def test_the_password_change_pages_need_a_login_and_the_reset_pages_do_not(client, db):
    for name in ("password_change", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200, name
    unknown = reverse("password_reset_confirm", args=["MQ", "set-password"])
    assert "Länken fungerar inte" in client.get(unknown).text


# Reset a forgotten password by e-mail


def ask_for_a_reset(client, address):
    return client.post(reverse("password_reset"), {"email": address})


def link_in(message):
    (link,) = re.findall(r"https?://\S+", message.body)
    return link


def test_the_login_page_links_to_the_reset_page(client, db):
    page = client.get(reverse("login"))
    assert f'href="{reverse("password_reset")}"' in page.text and "Glömt lösenordet?" in page.text
    form = client.get(reverse("password_reset"))
    assert "<h1>Glömt lösenord</h1>" in form.text and "Din e-postadress" in form.text


def test_a_reset_link_arrives_works_once_and_the_new_password_logs_in(client, db, settings):
    settings.SITE_URL = "https://samverkan.example.se"
    asked = ask_for_a_reset(client, "Samordnare.Strangnas@example.org")  # case does not matter
    assert asked.status_code == 302 and asked.url == reverse("password_reset_done")
    assert "Kolla din e-post" in client.get(asked.url).text

    (message,) = mail.outbox
    assert message.to == ["samordnare.strangnas@example.org"]
    assert message.subject == "Ett nytt lösenord till Samverkan"
    assert "Ditt användarnamn är samordnare.strangnas" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body  # plain text
    link = link_in(message)
    assert link.startswith("https://samverkan.example.se/konto/aterstall-losenord/")

    # Django swaps the token in the address for one kept in the session, then asks.
    opened = client.get(urlsplit(link).path)
    assert opened.status_code == 302
    form = client.get(opened.url)
    assert "<h1>Välj ett nytt lösenord</h1>" in form.text
    weak = client.post(opened.url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert "vanligt" in field_error(weak, "new_password1")
    saved = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302 and saved.url == reverse("password_reset_complete")
    assert "Ditt nya lösenord är sparat" in client.get(saved.url).text

    assert login(Client(), "samordnare.strangnas", NEW_PASSWORD).status_code == 302
    assert login(Client(), "samordnare.strangnas", PASSWORD).status_code == 200

    # The link cannot be used a second time, from this browser or another.
    for again in (client, Client()):
        used = again.get(urlsplit(link).path, follow=True)
        assert "<h1>Länken fungerar inte</h1>" in used.text
        assert 'name="new_password1"' not in used.text


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    known = ask_for_a_reset(Client(), "kommunpolis.strangnas@example.org")
    unknown = ask_for_a_reset(client, "ingen.alls@example.org")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mail.outbox) == 1  # only the known address got one

    def page(response):  # without the CSRF tokens, which differ per visitor
        return re.sub(r'(X-CSRFToken": "|value=")[\w-]{64}', "", response.text)

    assert page(client.get(unknown.url)) == page(Client().get(known.url))


def test_the_reset_mail_goes_out_from_the_worker_with_no_token_in_the_queue(
    client, user, personas, settings, monkeypatch
):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    asked = ask_for_a_reset(client, "samordnare.strangnas@example.org")
    assert asked.status_code == 302 and mail.outbox == []  # not sent while the user waits
    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == [personas.coordinator.pk, "sv"]
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
    (message,) = mail.outbox
    assert message.to == ["samordnare.strangnas@example.org"]
    assert "/konto/aterstall-losenord/" in message.body


def test_a_reset_ends_a_lockout_and_asking_for_one_does_not(db):
    for _attempt in range(5):
        login(Client(), "lasare.strangnas", "fel-lösenord")
    assert login(Client(), "lasare.strangnas", PASSWORD).status_code == 429

    client = Client()
    ask_for_a_reset(client, "lasare.strangnas@example.org")
    assert login(Client(), "lasare.strangnas", PASSWORD).status_code == 429  # still locked

    opened = client.get(urlsplit(link_in(mail.outbox[0])).path)
    client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert login(Client(), "lasare.strangnas", NEW_PASSWORD).status_code == 302


# Sessions end when idle


def test_a_session_expires_after_the_idle_time_from_its_last_request(client, db, settings):
    assert settings.SESSION_COOKIE_AGE == 480 * 60  # the default: 8 hours
    assert login(client, "samordnare.strangnas", PASSWORD).status_code == 302
    expires = stored_session(client).expire_date
    assert abs(expires - (timezone.now() + datetime.timedelta(hours=8))).total_seconds() < 60
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 480 * 60

    # Time passes: the session's last save moves 8 hours and a second into the past.
    session = stored_session(client)
    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    response = client.get(reverse("agreement_list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('agreement_list')}"


def test_activity_moves_the_expiry_at_most_once_a_minute(client, db):
    assert login(client, "samordnare.strangnas", PASSWORD).status_code == 302
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=soon)

    client.get(reverse("overview"))  # saved less than a minute ago: no write
    assert stored_session(client).expire_date == soon

    # Two minutes later (the session's own clock moved back), a request counts as activity.
    session = client.session
    session[IdleSessionMiddleware.SAVED_AT] -= 120
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=soon)
    client.get(reverse("overview"))
    expires = stored_session(client).expire_date
    assert abs(expires - (timezone.now() + datetime.timedelta(hours=8))).total_seconds() < 60


def test_the_idle_time_comes_from_the_environment(tmp_path):
    def cookie_age(**env):
        code = "import samverkan.settings as s; print(s.SESSION_COOKIE_AGE)"
        base = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path)}
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True
        )

    assert cookie_age().stdout.strip() == b"28800"
    assert cookie_age(SESSION_IDLE_MINUTES="15").stdout.strip() == b"900"
    refused = cookie_age(SESSION_IDLE_MINUTES="0")
    assert refused.returncode != 0 and b"SESSION_IDLE_MINUTES" in refused.stderr


def test_anonymous_visits_store_no_session(client, db):
    client.get(reverse("login"))
    client.get("/healthz")
    assert Session.objects.count() == 0


def test_logout_ends_the_session(client, db):
    login(client, "samordnare.strangnas", PASSWORD)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("overview")).status_code == 302


def test_an_htmx_request_after_expiry_sends_the_whole_page_to_the_login_page(client, demo):
    page = reverse("agreement_detail", args=[demo["strangnas-2020"].pk])
    fragment = reverse("agreement_list") + "?q=drog"
    htmx = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"}
    response = client.get(fragment, headers=htmx)
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page.replace('/', '%2F')}"
    # A page from elsewhere is not where the login returns to.
    elsewhere = client.get(fragment, headers={**htmx, "HX-Current-URL": "https://evil.example/"})
    assert elsewhere["HX-Redirect"] == f"{reverse('login')}?next=%2F"
    # A plain request is redirected as before.
    assert client.get(fragment).status_code == 302


def test_an_htmx_post_after_expiry_is_sent_to_the_login_page_too(client, demo):
    agreement = demo["strangnas-2020"]
    plan = agreement.action_plans.first()
    page = reverse("plan_detail", args=[agreement.pk, plan.pk])
    htmx = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"}
    response = client.post(reverse("row_create", args=[agreement.pk, plan.pk]), headers=htmx)
    assert response["HX-Redirect"].startswith(reverse("login") + "?next=")


# 403, 404 and 405 pages


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False


def test_the_404_page_is_swedish_with_the_menu_and_ways_on(
    client, user, personas, demo, production_errors
):
    client.force_login(personas.kommunpolis)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "<h1>Sidan finns inte här</h1>" in response.text
    assert 'aria-label="Huvudmeny"' in response.text  # base.html's navigation
    assert f'href="{reverse("overview")}">Gå till översikten' in response.text
    assert f'href="{reverse("agreement_list")}">Se alla överenskommelser' in response.text
    # An outsider asking for an agreement gets the same page.
    client.force_login(personas.outsider)
    outsider = client.get(reverse("agreement_detail", args=[demo["strangnas-2020"].pk]))
    assert outsider.status_code == 404 and "Sidan finns inte här" in outsider.text


def test_the_404_page_offers_a_login_to_someone_not_logged_in(client, db, production_errors):
    response = client.get("/finns-inte/")
    assert response.status_code == 404 and "Sidan finns inte här" in response.text
    assert f'href="{reverse("login")}">Logga in' in response.text
    assert "Huvudmeny" not in response.text


def test_the_403_page_is_swedish_with_ways_on(client, personas, demo, production_errors):
    client.force_login(personas.reader)
    response = client.get(reverse("plan_create", args=[demo["strangnas-2020"].pk]))
    assert response.status_code == 403
    assert "<h1>Du kan inte göra det här</h1>" in response.text
    assert "Gå till översikten" in response.text and "Huvudmeny" in response.text


def test_a_form_without_its_csrf_token_gets_a_swedish_403(personas, production_errors):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD})
    assert response.status_code == 403
    assert "<h1>Formuläret hade gått ut</h1>" in response.text
    assert "Ingenting sparades" in response.text and "Gå till översikten" in response.text
    assert personas.coordinator.check_password(PASSWORD)


def test_the_405_page_is_swedish_and_keeps_the_allow_header(client, personas, production_errors):
    client.force_login(personas.coordinator)
    response = client.get(reverse("logout"))  # logging out is a POST
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert "<h1>Sidan kan inte användas så här</h1>" in response.text
    assert "Gå till översikten" in response.text
    anonymous = Client().put("/healthz")
    assert anonymous.status_code == 405 and anonymous["Allow"] == "GET"
    assert "Logga in" in anonymous.text


# /healthz under production settings


def test_healthz_answers_plain_http_under_production_settings(tmp_path):
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='samverkan.example.se'); h = c.get('/healthz'); p = c.get('/'); "
        "print(json.dumps([h.status_code, h.json(), p.status_code, p['Location']]))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "LOG_LEVEL": "WARNING",
        **PRODUCTION,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    health, body, page, location = json.loads(result.stdout)
    assert (health, body) == (200, {"status": "ok", "database": "ok"})
    assert (page, location) == (301, "https://samverkan.example.se/")  # the rest stays HTTPS


def test_the_first_request_after_login_writes_no_session(client, personas):
    """Pages' query counts stay the same from the first request on (see tests/helpers.py)."""
    client.force_login(personas.coordinator)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("overview"))
    sql = [query["sql"] for query in queries]
    assert [text for text in sql if text.startswith("UPDATE") and "django_session" in text] == []
