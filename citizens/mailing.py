"""Following a municipality's promises by e-mail: asked for on the public page, confirmed
by a link (double opt-in), left by one click, and fed the published feedback once.

- Asking stores the address and the time (Subscription) and mails a confirmation link;
  nothing else is mailed until the link's button is pressed. The link holds the
  subscription and its address, signed, and works for CONFIRM_DAYS; an address still
  unconfirmed after that is deleted by the daily `send_public_feedback`.
- The same address is sent a confirmation at most once per RESEND_MINUTES, so the form
  cannot be used to flood someone's inbox.
- Every e-mail carries an unsubscribe link and the List-Unsubscribe and
  List-Unsubscribe-Post headers (RFC 8058): a mail program's one-click POST deletes the
  address at once.
- Published feedback is claimed (mailed_at set) in one transaction before it is mailed,
  so that two runs at once, or a run repeated, never mail it twice.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from followup.models import PublicFeedback
from organisations.models import Organisation, OrganisationKind
from organisations.names import municipality_slug

from .models import Subscription
from .public import published_promises

CONFIRM_DAYS = 7
RESEND_MINUTES = 10
CONFIRM_SALT = "citizens.subscription.confirm"
UNSUBSCRIBE_SALT = "citizens.subscription.unsubscribe"


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps([subscription.pk, subscription.email], salt=CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps([subscription.pk, subscription.email], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_is_whole(token: str) -> bool:
    """Whether an unsubscribe link is one this site made (its address may be gone)."""
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    return True


def subscription_from(token: str, *, confirming: bool) -> Subscription | None:
    """The subscription a link names, if the link is whole (and, to confirm, not older than
    CONFIRM_DAYS) and the address is still there; else None."""
    try:
        if confirming:
            pk, email = signing.loads(
                token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS)
            )
        else:
            pk, email = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Subscription.objects.filter(pk=pk, email=email).select_related("municipality").first()


def ask_to_subscribe(municipality: Organisation, email: str) -> None:
    """Store the address (once per municipality) and mail it a confirmation link, unless
    it is confirmed already or was sent one in the last RESEND_MINUTES. The page answers
    the same in every case, so it tells no one who follows what."""
    now = timezone.now()
    subscription, created = Subscription.objects.get_or_create(
        municipality=municipality, email=email, defaults={"requested_at": now}
    )
    if not created:
        if subscription.confirmed_at or subscription.requested_at > now - datetime.timedelta(
            minutes=RESEND_MINUTES
        ):
            return
        subscription.requested_at = now
        subscription.save(update_fields=["requested_at"])
    send_confirmation.enqueue(subscription.pk, translation.get_language())


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _unsubscribe_url(subscription: Subscription) -> str:
    return _absolute(reverse("citizen_unsubscribe", args=[unsubscribe_token(subscription)]))


def _unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@task
def send_confirmation(subscription_id: int, language: str) -> None:
    """The confirmation e-mail, its link made here so that no token waits in the queue."""
    subscription = (
        Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True)
        .select_related("municipality")
        .first()
    )
    if subscription is None:
        return
    unsubscribe_url = _unsubscribe_url(subscription)
    context = {
        "municipality": subscription.municipality,
        "confirm_url": _absolute(reverse("citizen_confirm", args=[confirm_token(subscription)])),
        "unsubscribe_url": unsubscribe_url,
        "page_url": _absolute(
            reverse("citizen_municipality", args=[municipality_slug(subscription.municipality)])
        ),
        "days": CONFIRM_DAYS,
    }
    with translation.override(language):
        subject = render_to_string("citizens/confirm_subject.txt", context)
        body = render_to_string("citizens/confirm_email.txt", context)
    EmailMessage(
        " ".join(subject.split()),
        body,
        to=[subscription.email],
        headers=_unsubscribe_headers(unsubscribe_url),
    ).send()


def delete_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Addresses never confirmed within CONFIRM_DAYS are forgotten."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=CONFIRM_DAYS)
    deleted, _counts = Subscription.objects.filter(
        confirmed_at__isnull=True, requested_at__lt=cutoff
    ).delete()
    return deleted


def _claim_feedback_to_mail(now) -> list[PublicFeedback]:
    """The published feedback on published promises not mailed yet, marked as mailed in the
    same transaction: a second run, at once or later, finds none of it."""
    with transaction.atomic():
        waiting = PublicFeedback.objects.published().filter(
            mailed_at__isnull=True, item__plan__agreement__in=published_promises().values("pk")
        )
        ids = list(waiting.select_for_update(skip_locked=True).values_list("pk", flat=True))
        PublicFeedback.objects.filter(pk__in=ids, mailed_at__isnull=True).update(mailed_at=now)
    return list(
        PublicFeedback.objects.filter(pk__in=ids, mailed_at=now)  # those this run claimed
        .select_related("item__plan__agreement")
        .order_by("written_on", "pk")
    )


def _municipalities_of(feedback: list[PublicFeedback]) -> dict[int, list[PublicFeedback]]:
    """Feedback by the municipality whose page shows it: the plan's municipality, or every
    municipality of the agreement for a plan of none."""
    agreement_ids = {entry.item.plan.agreement_id for entry in feedback}
    parties = defaultdict(set)
    for agreement_id, organisation_id in Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY, parties__agreement__in=agreement_ids
    ).values_list("parties__agreement", "pk"):
        parties[agreement_id].add(organisation_id)
    by_municipality = defaultdict(list)
    for entry in feedback:
        plan = entry.item.plan
        for municipality_id in (
            [plan.municipality_id] if plan.municipality_id else parties[plan.agreement_id]
        ):
            by_municipality[municipality_id].append(entry)
    return by_municipality


def mail_published_feedback(now: datetime.datetime | None = None) -> int:
    """Mail each confirmed subscriber the feedback published since the last run, one
    e-mail per address and municipality; return how many e-mails went out."""
    now = now or timezone.now()
    feedback = _claim_feedback_to_mail(now)
    if not feedback:
        return 0
    by_municipality = _municipalities_of(feedback)
    subscriptions = Subscription.objects.filter(
        Q(municipality__in=by_municipality.keys()), confirmed_at__isnull=False
    ).select_related("municipality")
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for subscription in subscriptions:
            messages.append(
                _feedback_message(subscription, by_municipality[subscription.municipality_id])
            )
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)


def _feedback_message(subscription, feedback) -> EmailMessage:
    unsubscribe_url = _unsubscribe_url(subscription)
    context = {
        "municipality": subscription.municipality,
        "feedback": feedback,
        "page_url": _absolute(
            reverse("citizen_municipality", args=[municipality_slug(subscription.municipality)])
        ),
        "unsubscribe_url": unsubscribe_url,
    }
    subject = render_to_string("citizens/feedback_subject.txt", context)
    body = render_to_string("citizens/feedback_email.txt", context)
    return EmailMessage(
        " ".join(subject.split()),
        body,
        to=[subscription.email],
        headers=_unsubscribe_headers(unsubscribe_url),
    )
