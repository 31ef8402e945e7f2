"""The demo's public side: every signed citizen promise of the demo data is published, and
its first rows get a piece of feedback each (invented, as docs/public-pages.md says), so
that /medborgarloften/ is alive after `make run`. Run after load_demo; running it again
changes nothing. The demo promises themselves come with the demo data (exchange/demo/)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.models import ActionItem
from agreements.models import Agreement, AgreementKind
from followup.models import PublicFeedback

from . import publishing

# Invented feedback, written as a municipality would write it, without names of persons:
# (month written, text).
DEMO_FEEDBACK = [
    (
        3,
        "Vi har genomfört två trygghetsvandringar tillsammans med boende och föreningar. "
        "Belysningen vid gångtunneln är lagad och buskagen vid busshållplatsen är klippta.",
    ),
    (
        6,
        "Polisen har varit på plats vid skolavslutningen och under sommarlovets helgkvällar. "
        "Fritidsgårdarna har haft längre öppettider i juni och juli.",
    ),
]


@transaction.atomic
def publish_demo_promises(today: datetime.date | None = None) -> list[str]:
    """Publish the demo's signed citizen promises not yet published, with feedback on their
    first rows; return the references published now."""
    today = today or timezone.localdate()
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    published = []
    promises = Agreement.objects.filter(
        kind=AgreementKind.CITIZEN_PROMISE, signed_version__isnull=False, publication__isnull=True
    ).order_by("pk")
    for promise in promises:
        publishing.publish(promise, admin)
        published.append(promise.reference)
        year = (promise.counted_period()[0] or today).year
        rows = ActionItem.objects.filter(plan__agreement=promise, public_feedback__isnull=True)
        rows = rows.order_by("plan__position", "position")[: len(DEMO_FEEDBACK)]
        for row, (month, text) in zip(rows, DEMO_FEEDBACK, strict=False):
            written_on = min(datetime.date(year, month, 15), today)
            feedback = PublicFeedback.objects.create(item=row, written_on=written_on, text=text)
            publishing.publish_feedback(feedback, admin)
    return published
