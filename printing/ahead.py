"""Prints made ahead: after an agreement or one of its plans changes, the background worker
renders the agreement's print and each plan's PDF, so that Skriv ut finds a finished file
of the same content (PrintJob, keyed by the HTML's hash) instead of waiting for WeasyPrint.

- What: the whole agreement as it stands (unless its current version is frozen: then Skriv
  ut serves that version's stored PDF) and each of its plans. Not each municipality's part:
  those are asked for seldom and are rendered on demand.
- When: a change is any historical record of a printed model (every save and delete makes
  one). When its transaction commits (a row save: just before, in its own transaction),
  the agreement is marked (PrintAhead) and one task is queued to run PRINT_AHEAD_DELAY
  later; changes in between only move the mark, and the task waits until
  PRINT_AHEAD_DELAY has passed since the last change (at most PRINT_AHEAD_MAX_WAIT since
  the first). Ten row saves in a minute give one render of each
  document whose content changed; nothing is rendered while nothing changes.
- Without a worker: the marks wait, and Skriv ut renders on demand as before.
- PRINT_AHEAD=0 in the environment turns it off (the tests do, except where they test it).
"""

import logging
import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from actionplans.models import ActionItem, ActionPlan, PlanAdoption, Responsibility
from agreements.models import (
    Agreement,
    FocusArea,
    OverallGoal,
    Party,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
)
from samverkan.saving import finishes_in_transaction

from . import documents
from .models import PrintAhead, PrintJob

logger = logging.getLogger(__name__)

# The models a printed agreement or plan shows, and how to find the agreement of one.
_WITH_AGREEMENT = (
    Party,
    Signatory,
    Section,
    ProblemPicture,
    OverallGoal,
    FocusArea,
    ActionPlan,
)
_FOUND = {
    ProblemSource: lambda i: ProblemPicture.objects.filter(pk=i.problem_picture_id),
    ProblemArea: lambda i: ProblemPicture.objects.filter(pk=i.problem_picture_id),
    ProblemItem: lambda i: ProblemPicture.objects.filter(areas=i.area_id),
    ActionItem: lambda i: ActionPlan.objects.filter(pk=i.plan_id),
    Responsibility: lambda i: ActionPlan.objects.filter(items=i.item_id),
    # The print says which adopted version a plan is.
    PlanAdoption: lambda i: ActionPlan.objects.filter(pk=i.plan_id),
}


def agreement_id_of(instance) -> int | None:
    """The id of the agreement whose print shows `instance`; None for anything else (or
    when its parent is gone with it)."""
    if isinstance(instance, Agreement):
        return instance.pk
    if isinstance(instance, _WITH_AGREEMENT):
        return instance.agreement_id
    if isinstance(instance, ActionItem) and ActionItem.plan.is_cached(instance):
        return instance.plan.agreement_id  # a row saved from its plan's page: no query
    parent = _FOUND.get(type(instance))
    if parent is None:
        return None
    return parent(instance).values_list("agreement_id", flat=True).first()


# The agreements changed in this thread's transaction, marked when it commits.
_pending = threading.local()


@receiver(post_create_historical_record)
def _mark_when_committed(sender, instance, **kwargs):
    if not settings.PRINT_AHEAD:
        return
    agreement_id = agreement_id_of(instance)
    if agreement_id is not None:
        if not hasattr(_pending, "agreements"):
            _pending.agreements = set()
        _pending.agreements.add(agreement_id)
        # As audit.seals: the first callback to run marks them all; one of a rolled-back
        # savepoint is dropped (its agreement is then marked by the next commit, harmlessly).
        transaction.on_commit(mark_changed, robust=True)


# A save that finishes in its own transaction marks there (samverkan/saving.py), before
# the history is sealed: its lock on the mark is then always taken before the chain's.
@finishes_in_transaction()
def mark_changed():
    agreements, _pending.agreements = getattr(_pending, "agreements", set()), set()
    for agreement_id in sorted(agreements):
        changed(agreement_id)


def changed(agreement_id: int) -> None:
    """Note that the agreement changed now: the first change of a burst queues the render."""
    now = timezone.now()
    # A mark older than a render could wait lost its task (the worker's queue was cleared).
    lost = now - settings.PRINT_AHEAD_MAX_WAIT - settings.PRINT_JOB_TIMEOUT
    marks = PrintAhead.objects.filter(agreement_id=agreement_id)
    if marks.filter(first_changed_at__gte=lost).update(last_changed_at=now):
        return
    marks.delete()
    if not Agreement.objects.filter(pk=agreement_id).exists():
        return
    try:
        with transaction.atomic():
            mark = PrintAhead.objects.create(
                agreement_id=agreement_id, first_changed_at=now, last_changed_at=now
            )
    except IntegrityError:  # marked at the same moment by another request
        return
    _enqueue(agreement_id, mark.due_at)


def _enqueue(agreement_id: int, when) -> None:
    from .tasks import make_prints_ahead

    task = make_prints_ahead
    if task.get_backend().supports_defer:
        task = task.using(run_after=when)
    task.enqueue(agreement_id)


def run(agreement_id: int) -> list[PrintJob]:
    """The worker's task: when the burst of changes is over, make the prints; before that,
    wait for its end. The prints made."""
    mark = PrintAhead.objects.filter(agreement_id=agreement_id).first()
    if mark is None:  # made meanwhile by another task
        return []
    from .tasks import make_prints_ahead

    if mark.due_at > timezone.now() and make_prints_ahead.get_backend().supports_defer:
        _enqueue(agreement_id, mark.due_at)
        return []
    taken = PrintAhead.objects.filter(pk=mark.pk, last_changed_at=mark.last_changed_at)
    if not taken.delete()[0]:  # changed again just now: wait for that burst's end
        return run(agreement_id)
    return make_prints(agreement_id)


def make_prints(agreement_id: int) -> list[PrintJob]:
    """Render each printed document of the agreement whose content has no print yet."""
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None:
        return []
    asked = []
    if not agreement.versions.filter(number=agreement.version).exists():
        asked.append(documents.agreement_request(agreement))
    for plan in agreement.action_plans.order_by("position"):
        asked.append(documents.plan_request(agreement, plan))
    made = []
    for request in asked:
        job, created = PrintJob.objects.for_content(agreement, request)
        if not created:  # ready, or being made for someone who asked
            continue
        try:
            job.render()
        except Exception:  # recorded on the job: Skriv ut shows it and offers Försök igen
            logger.exception("The print job %s could not be made ahead", job.pk)
            continue
        made.append(job)
    return made
