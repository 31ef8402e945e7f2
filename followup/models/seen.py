"""An editor's mark that they read a follow-up entry, which its writer sees (so a
kommunpolis knows the coordinator read it). Set once: the first who and when stay."""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .entries import FollowUpEntry


class EntrySeen(models.Model):
    entry = models.OneToOneField(
        FollowUpEntry,
        verbose_name=_("follow-up entry"),
        on_delete=models.CASCADE,
        related_name="seen",
    )
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, as the entry keeps its writer's name.
    seen_by_name = models.CharField(_("seen by (name)"), max_length=200)
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        verbose_name = _("entry marked as seen")
        verbose_name_plural = _("entries marked as seen")

    def __str__(self):
        return f"{self.entry}: {self.seen_by_name} {self.seen_at:%Y-%m-%d}"

    @classmethod
    def mark(cls, entry: FollowUpEntry, user) -> "EntrySeen":
        """The entry's mark: made now by `user`, or the one already made (a second click,
        or two editors at once: the first stays)."""
        name = user.get_full_name() or user.get_username()
        try:
            with transaction.atomic():
                return cls.objects.create(entry=entry, seen_by=user, seen_by_name=name)
        except IntegrityError:
            return cls.objects.get(entry=entry)
