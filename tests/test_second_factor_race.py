"""One code from the app typed in two browsers at the same moment (one of them an
attacker's who saw it): one sign-in is let in, the other refused. allauth marks a used
code with the cache's `add`, and the database cache's unique key lets only one add win,
in whichever worker each request lands.

Real concurrency, as tests/test_next_period_race.py: threads with their own database
connections (helpers.at_once), on whichever database the run uses; a transactional test,
so the demo is loaded again afterwards."""

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from helpers import at_once
from test_second_factor import PASSWORD, SECRET, code_for

USERNAME = "samordnare.strangnas"


def test_one_code_in_two_sign_ins_at_once_lets_one_in(demo_loaded_again, transactional_db):
    cache.clear()
    TOTP.activate(get_user_model().objects.get(username=USERNAME), SECRET)
    browsers = [Client(), Client()]
    for browser in browsers:
        password_step = browser.post(reverse("login"), {"username": USERNAME, "password": PASSWORD})
        assert password_step["Location"] == reverse("second_factor_code")
    code = code_for(SECRET)

    def type_code(browser):
        response = browser.post(reverse("second_factor_code"), {"code": code})
        return response.status_code, response.text

    answers = at_once(*(lambda browser=browser: type_code(browser) for browser in browsers))
    assert sorted(status for status, _text in answers) == [200, 302]
    (refused,) = [text for status, text in answers if status == 200]
    assert "Koden är inte rätt" in refused
    let_in = [
        browser for browser in browsers if browser.get(reverse("overview")).status_code == 200
    ]
    assert len(let_in) == 1
