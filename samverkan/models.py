"""The project's own tables below every app: which sent form made what (sent_once.py)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentForm(models.Model):
    """A form that made something: sent again, it is answered with what it made then."""

    # Who sent it, to which address, with what data (its key among them): sent_once.py.
    digest = models.CharField(_("form sent"), max_length=64, primary_key=True)
    made_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    made_id = models.PositiveBigIntegerField()
    made = GenericForeignKey("made_type", "made_id")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")

    def __str__(self):
        return f"{self.digest[:12]} → {self.made_type_id}:{self.made_id}"
