"""Publicera and Avpublicera: a citizen promise, and each piece of feedback on it, reach the
public page only by an editor's explicit act, recorded with who and when.

Which promises may be published: a citizen promise (Agreement.kind) with a signed version,
whatever it is today (not yet in force, in force, expired or terminated), because the
public page shows the signed PDF and, for earlier years, how the promises went. A draft or
a version waiting for signatures is not what was promised to citizens, so it cannot be
published."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementKind
from followup.models import Publication, PublicFeedback
from signing.models import AgreementEvent, EventKind

from .cache import forget_public_pages


class PublishingError(Exception):
    """Why a promise cannot be published, in words for the editor."""


def may_be_published(agreement) -> bool:
    return agreement.kind == AgreementKind.CITIZEN_PROMISE and bool(agreement.signed_version)


def is_published(agreement) -> bool:
    return Publication.objects.filter(agreement=agreement).exists()


@transaction.atomic
def publish(agreement, user) -> Publication:
    if not may_be_published(agreement):
        raise PublishingError(
            _("Only a signed citizen promise can be published: register its signature first.")
        )
    now = timezone.now()
    publication, created = Publication.objects.get_or_create(
        agreement=agreement, defaults={"published_at": now, "published_by": user}
    )
    if created:
        _record(agreement, EventKind.PUBLISHED, user, now)
        forget_public_pages(agreement)
    return publication


@transaction.atomic
def unpublish(agreement, user) -> bool:
    deleted, _count = Publication.objects.filter(agreement=agreement).delete()
    if deleted:
        _record(agreement, EventKind.UNPUBLISHED, user, timezone.now())
        forget_public_pages(agreement)
    return bool(deleted)


def _record(agreement, kind, user, now):
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=kind,
        happened_on=timezone.localdate(now),
        version=agreement.signed_version or agreement.version,
        recorded_by=user,
    )


def publish_feedback(feedback: PublicFeedback, user) -> None:
    """Shown on the public page (once the promise is published) and mailed once."""
    if feedback.published_at is None:
        feedback.published_at, feedback.published_by = timezone.now(), user
        feedback.save(update_fields=["published_at", "published_by"])
        forget_public_pages(feedback.item.plan.agreement)


def unpublish_feedback(feedback: PublicFeedback) -> None:
    """Taken off the public page; if it was mailed already, it is not mailed again."""
    if feedback.published_at is not None:
        feedback.published_at, feedback.published_by = None, None
        feedback.save(update_fields=["published_at", "published_by"])
        forget_public_pages(feedback.item.plan.agreement)
