"""One code from the app typed in two browsers at the same moment (one of them an
attacker's who saw it): one sign-in is let in, the other refused. allauth marks a used
code with the cache's `add`, and the database cache's unique key lets only one add win,
in whichever worker each request lands.

Real concurrency, as tests/test_next_period_race.py: threads with their own database
connections, on whichever database the run uses; a transactional test, so the demo is
loaded again afterwards."""

import threading
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from test_second_factor import PASSWORD, SECRET, code_for

USERNAME = "samordnare.strangnas"


@pytest.fixture
def demo_loaded_again(django_db_blocker):
    """Set up before the transactional database, so torn down after its flush."""
    yield
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=StringIO())


def test_one_code_in_two_sign_ins_at_once_lets_one_in(demo_loaded_again, transactional_db):
    cache.clear()
    TOTP.activate(get_user_model().objects.get(username=USERNAME), SECRET)
    browsers = [Client(), Client()]
    for browser in browsers:
        password_step = browser.post(reverse("login"), {"username": USERNAME, "password": PASSWORD})
        assert password_step["Location"] == reverse("second_factor_code")
    code = code_for(SECRET)
    start = threading.Barrier(len(browsers))
    answers, lock = [], threading.Lock()

    def type_code(browser):
        try:
            start.wait()
            response = browser.post(reverse("second_factor_code"), {"code": code})
            with lock:
                answers.append((response.status_code, response.text))
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=type_code, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _text in answers) == [200, 302]
    (refused,) = [text for status, text in answers if status == 200]
    assert "Koden är inte rätt" in refused
    signed_in = [
        browser for browser in browsers if browser.get(reverse("overview")).status_code == 200
    ]
    assert len(signed_in) == 1
