"""Following a municipality's citizen promises by e-mail (citizens/mailing.py): asked for on
the public page without a cookie, confirmed by the link's button (double opt-in), left by
one click (link and List-Unsubscribe headers) which deletes the address; published
feedback mailed once however often the daily command runs."""

import datetime
import re
from io import StringIO

import pytest
from citizen_promises import PAGE, forget_cache, make_promise
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citizens import mailing, publishing
from citizens.models import Subscription
from followup.models import PublicFeedback

SUBSCRIBE = PAGE + "prenumerera/"


@pytest.fixture(autouse=True)
def empty_cache(db):
    forget_cache()
    yield
    forget_cache()


@pytest.fixture
def published(demo, personas):
    promise = make_promise(demo["strangnas-2020"], "Medborgarlöfte Strängnäs i år")
    publishing.publish(promise, personas.coordinator)
    return promise


def link_in(message, path: str) -> str:
    return re.search(rf"https?://[^/\s]+({path}[^\s]+/)", message.body).group(1)


def subscribe(client, email="anna@example.se"):
    return client.post(SUBSCRIBE, {"email": email})


def confirmed(client, email="anna@example.se") -> Subscription:
    subscribe(client, email)
    client.post(link_in(mail.outbox[-1], "/medborgarloften/bekrafta/"))
    return Subscription.objects.get(email=email)


def publish_feedback(promise, personas, text):
    row = promise.action_plans.get().items.order_by("position").first()
    feedback = PublicFeedback.objects.create(
        item=row, written_on=datetime.date(2026, 9, 1), text=text
    )
    publishing.publish_feedback(feedback, personas.coordinator)
    return feedback


def test_the_page_says_what_is_stored_and_when_it_is_deleted(client, published):
    text = client.get(PAGE).text
    assert "Vi sparar bara din e-postadress och när du anmälde och bekräftade" in text
    assert "inom 7 dagar tas bort" in text


def test_asking_stores_the_address_unconfirmed_and_mails_a_confirmation(client, published):
    response = subscribe(client, " Anna@Example.se ")
    assert response.status_code == 200 and not response.cookies
    assert "Kolla din e-post" in response.text
    subscription = Subscription.objects.get()
    assert subscription.email == "anna@example.se" and subscription.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == ["anna@example.se"]
    assert "Bekräfta: följ medborgarlöftena i Strängnäs" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_asking_again_soon_sends_no_second_confirmation(client, published):
    subscribe(client)
    subscribe(client)
    assert len(mail.outbox) == 1
    Subscription.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=11))
    subscribe(client)
    assert len(mail.outbox) == 2


def test_a_wrong_address_is_answered_in_swedish_next_to_the_field(client, published):
    response = subscribe(client, "inte-en-adress")
    assert response.status_code == 400
    assert "Fyll i en giltig e-postadress." in response.text
    assert not Subscription.objects.exists() and not mail.outbox


def test_the_confirmation_link_asks_and_its_button_confirms(client, published):
    subscribe(client)
    link = link_in(mail.outbox[0], "/medborgarloften/bekrafta/")
    response = client.get(link)
    assert response.status_code == 200 and not response.cookies
    assert Subscription.objects.get().confirmed_at is None  # a link checker confirms nothing
    response = client.post(link)
    assert response.status_code == 200 and not response.cookies
    assert Subscription.objects.get().confirmed_at is not None
    assert "följer nu medborgarlöftena i Strängnäs" in response.text


def test_a_changed_or_old_confirmation_link_does_not_work(client, published):
    subscribe(client)
    link = link_in(mail.outbox[0], "/medborgarloften/bekrafta/")
    assert client.post(link[:-3] + "x/").status_code == 400
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    old = datetime.timedelta(days=mailing.CONFIRM_DAYS, minutes=1)
    signer = mailing.signing.TimestampSigner(salt=mailing.CONFIRM_SALT)
    token = signer.sign_object([subscription.pk, subscription.email])
    assert mailing.subscription_from(token, confirming=True) == subscription
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now().timestamp() + old.total_seconds()
        patch.setattr("time.time", lambda: later)
        assert mailing.subscription_from(token, confirming=True) is None


def test_unsubscribing_deletes_the_address_by_button_or_one_click(client, published):
    subscription = confirmed(client)
    link = link_in(mail.outbox[0], "/medborgarloften/avsluta/")
    response = client.get(link)
    assert response.status_code == 200 and not response.cookies
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    # The mail program's one-click POST (RFC 8058), without cookie or CSRF token.
    response = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not response.cookies
    assert not Subscription.objects.filter(email="anna@example.se").exists()
    assert client.post(link).status_code == 200  # twice is no error


def test_an_unconfirmed_address_is_deleted_after_seven_days(client, published):
    subscribe(client, "gammal@example.se")
    subscribe(client, "ny@example.se")
    Subscription.objects.filter(email="gammal@example.se").update(
        requested_at=timezone.now() - datetime.timedelta(days=8)
    )
    out = StringIO()
    call_command("send_public_feedback", stdout=out)
    assert list(Subscription.objects.values_list("email", flat=True)) == ["ny@example.se"]
    assert out.getvalue() == "0 e-brev skickades. 1 obekräftad adress togs bort.\n"


def test_published_feedback_is_mailed_once_however_often_the_job_runs(client, published, personas):
    subscription = confirmed(client)
    subscribe(client, "obekraftad@example.se")
    mail.outbox.clear()
    publish_feedback(published, personas, "Vi har satt upp bättre belysning i parken.")
    hidden = publish_feedback(published, personas, "Avpublicerad text")
    publishing.unpublish_feedback(hidden)
    call_command("send_public_feedback", stdout=StringIO())
    call_command("send_public_feedback", stdout=StringIO())
    (message,) = mail.outbox
    assert message.to == [subscription.email]
    assert "bättre belysning i parken" in message.body
    assert "Avpublicerad text" not in message.body
    assert "/medborgarloften/avsluta/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_feedback_on_an_unpublished_promise_is_not_mailed(client, demo, personas, published):
    confirmed(client)
    mail.outbox.clear()
    draft = make_promise(demo["strangnas-2020"], "Inte publicerat")
    publish_feedback(draft, personas, "Hemlig återkoppling")
    call_command("send_public_feedback", stdout=StringIO())
    assert mail.outbox == []
    assert PublicFeedback.objects.get(text="Hemlig återkoppling").mailed_at is None
