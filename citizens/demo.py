"""The demo's public side: every signed citizen promise of the demo data is published, and
the demo's own promises get the feedback each of them is written with (invented, as
docs/public-pages.md says; exchange/demo_promise_year.py), so that /medborgarloften/ is
alive after `make run`. Run after load_demo; running it again changes nothing. The demo
promises themselves come with the demo data (exchange/demo/)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.models import ActionItem
from agreements.models import Agreement, AgreementKind
from exchange.demo_promises import demo_feedback
from followup.models import PublicFeedback

from . import publishing


@transaction.atomic
def publish_demo_promises(today: datetime.date | None = None) -> list[str]:
    """Publish the demo's signed citizen promises not yet published, each piece of the
    demo's feedback on the promise whose text it was written for: found by that text, never
    by position, so that it cannot land under another promise (a promise reworded before
    it was published gets none). Return the references published now."""
    today = today or timezone.localdate()
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    published = []
    promises = Agreement.objects.filter(
        kind=AgreementKind.CITIZEN_PROMISE, signed_version__isnull=False, publication__isnull=True
    ).order_by("pk")
    for promise in promises:
        publishing.publish(promise, admin)
        published.append(promise.reference)
        rows = {row.activity: row for row in ActionItem.objects.filter(plan__agreement=promise)}
        for activity, written_on, text in demo_feedback(promise, today):
            if activity not in rows:
                continue
            feedback = PublicFeedback.objects.create(
                item=rows[activity], written_on=written_on, text=text
            )
            publishing.publish_feedback(feedback, admin)
    return published
