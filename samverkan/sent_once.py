"""A form that makes something makes it once, however often it is sent.

A double tap, or Spara again after a phone lost the answer, sends the same form twice;
without a guard each send adds a row, a plan, a part of a draft. Each such form carries a
new key (`SentOnce`, a hidden field), and `save_once` records what the form made under a
digest of who sent it, to which address, with what data (the key among them), in the same
transaction: the same form sent again is answered with what the first send made, and two
sends at once make one (the digest is the table's primary key: the second send waits for
the first's commit and then finds it).

The same key with other data (a page left open after a save and filled in anew) or from
another user is another form and makes something new. A form whose object was removed
since makes it anew. A form without a key (a page from before there were keys, a
hand-made post) saves each time, as forms always did. Records older than KEPT are
removed when a new one is written.
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SentForm

FIELD = "submission_key"
KEPT = datetime.timedelta(days=7)


class SentOnce(forms.BaseForm):
    """A form mixin: the hidden key, on a form that makes something new (a model form
    of an unsaved instance, or a form without one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance._state.adding:
            self.fields[FIELD] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4
            )

    def clean_submission_key(self):
        """A key the form did not make (only a hand-made post sends one) counts as none:
        the user has no field to correct."""
        try:
            return uuid.UUID(self.cleaned_data[FIELD])
        except ValueError:
            return None


class SentOnceButton(SentOnce, forms.Form):
    """A button that makes something (Kopiera till nytt utkast): its form is only the key."""


def save_once[Made](request, form: SentOnce, save: Callable[[], Made]) -> Made:
    """What `save()` makes, in one transaction; or, when this form was sent before, what
    it made then."""
    if form.cleaned_data.get(FIELD) is None:
        with transaction.atomic():
            return save()
    digest = _digest(request)
    try:
        with transaction.atomic():
            if (sent := SentForm.objects.filter(digest=digest).first()) is not None:
                if (made := sent.made) is not None:
                    return made
                sent.delete()  # what it made was removed since: it is made anew
            made = save()
            SentForm.objects.filter(sent_at__lt=timezone.now() - KEPT).delete()
            SentForm.objects.create(digest=digest, made=made)
            return made
    except IntegrityError:
        # The other send of the same form committed first: its answer is this one's.
        if (made := _made_before(digest)) is not None:
            return made
        raise


def made_before(request):
    """What this form made when it was sent before, asked before the form is validated:
    for a form that the first send makes invalid (a user name taken by then)."""
    try:
        uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None
    return _made_before(_digest(request))


def _made_before(digest):
    sent = SentForm.objects.filter(digest=digest).first()
    return None if sent is None else sent.made


def _digest(request) -> str:
    """The user, the address and the data sent (the CSRF token aside: it may be renewed
    between two sends)."""
    sent = sorted(
        (name, value)
        for name, values in request.POST.lists()
        for value in values
        if name != "csrfmiddlewaretoken"
    )
    what = (request.user.pk, request.get_full_path(), sent)
    return hashlib.sha256(repr(what).encode()).hexdigest()
