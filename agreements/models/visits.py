"""When a user last looked at an agreement's work: what makes follow-up entries "new" to
them (docs/follow-up-news.md).

A visit is a sitting: page views less than VISIT_GAP apart are one visit. During a visit
the entries recorded since the previous visit stay marked as new on every page, however
often the user reloads or filters; the next visit marks what came in since this one.
"""

import datetime

from django.conf import settings
from django.db import connection, models
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .agreement import Agreement

VISIT_GAP = datetime.timedelta(hours=1)
# Before their first visit a user has no "since": the last weeks' entries are new to them.
FIRST_VISIT_LOOKS_BACK = datetime.timedelta(days=14)


class AgreementVisit(models.Model):
    """One user's latest visit to one agreement's plans and follow-up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agreement_visits",
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="visits"
    )
    last_seen_at = models.DateTimeField(_("last seen"))
    new_since = models.DateTimeField(_("entries new since"))

    class Meta:
        verbose_name = _("visit to an agreement")
        verbose_name_plural = _("visits to agreements")
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement"], name="agreementvisit_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.agreement} {self.last_seen_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, user, agreement_id: int, now: datetime.datetime | None = None):
        """The user looks at the agreement now. One statement (an upsert, the same SQL on
        PostgreSQL and SQLite), so a page pays one query and two tabs cannot both insert:
        a view after a gap of VISIT_GAP starts a new visit, whose entries are new since the
        previous one was last seen. Returns the visit's `new_since`."""
        if not user.is_authenticated:
            return None
        now = now or timezone.now()
        table = connection.ops.quote_name(cls._meta.db_table)
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, agreement_id, last_seen_at, new_since) "  # noqa: S608 - names only
                "VALUES (%s, %s, %s, %s) ON CONFLICT (user_id, agreement_id) DO UPDATE SET "
                f"new_since = CASE WHEN {table}.last_seen_at < %s "
                f"THEN {table}.last_seen_at ELSE {table}.new_since END, last_seen_at = %s"
                " RETURNING new_since",
                [
                    user.pk,
                    agreement_id,
                    adapt(now),
                    adapt(now - FIRST_VISIT_LOOKS_BACK),
                    adapt(now - VISIT_GAP),
                    adapt(now),
                ],
            )
            (new_since,) = cursor.fetchone()
        return _aware(new_since)

    @classmethod
    def current_new_since(cls, user, agreement_id: int) -> datetime.datetime:
        """Where the user's current visit's new entries begin, without recording a visit."""
        since = cls.objects.filter(user=user.pk, agreement=agreement_id).values_list(
            "new_since", flat=True
        )
        return since.first() or timezone.now() - FIRST_VISIT_LOOKS_BACK


def _aware(value) -> datetime.datetime:
    """A datetime read by plain SQL: SQLite gives the stored text, in UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def visit_time(user, agreement_ref, field: str, now: datetime.datetime | None = None):
    """The user's `field` ("new_since": where the current visit's new entries begin;
    "last_seen_at": what they have not seen at all) for the agreement `agreement_ref` (an
    OuterRef or an id), as an expression for a query; FIRST_VISIT_LOOKS_BACK before now
    if they never came."""
    now = now or timezone.now()
    seen = AgreementVisit.objects.filter(user=user.pk, agreement=agreement_ref).values(field)
    return models.functions.Coalesce(
        Subquery(seen[:1]),
        models.Value(now - FIRST_VISIT_LOOKS_BACK, output_field=models.DateTimeField()),
    )
