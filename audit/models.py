"""The audit trail: a historical record of every create, change and delete.

django-simple-history keeps, for each tracked model, a table of full snapshots with who
and when; a change is the difference between a snapshot and the one before it. The
historical tables live in this app, so the apps that own the data know nothing of them.
A snapshot is kept when its object is deleted (the last one says so), and it holds ids,
not foreign keys, so deleting an agreement deletes none of its history.

Writes that do not go through `save()` (the conditional UPDATE of an edit, moving rows)
announce themselves with `samverkan.saving.saved_without_save`, and are recorded too.
"""

import uuid

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
    pre_create_historical_record,
)

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
    StepTick,
)
from followup.models import (
    ActivityAssessment,
    Attachment,
    FollowUpCadence,
    FollowUpReport,
    Indicator,
    Measurement,
    PartyFulfilment,
)
from organisations.models import Invitation, Membership, Organisation
from prevention.models import CoordinatingFunction, PreventionPlan, SituationReport

# Bookkeeping columns: they change with every save and say nothing a reader needs. A plan's
# latest adoption is the adoption's own record (which keeps the plan as adopted elsewhere).
NOT_TRACKED = [
    "version",
    "edit_version",
    "created_at",
    "updated_at",
    "latest_adoption",
]
# An adopted plan keeps the plan as adopted in its own row, and never changes: its record
# need not copy it.
# An invitation's token hash would let a reader of the history tell a link is current.
NOT_TRACKED_OF = {PlanAdoption: ["snapshot"], Invitation: ["token_hash"]}

# Each tracked model, and how its history finds its agreement: through a field holding the
# agreement's id, or through the historical records of its parent (which outlive it).
# Organisations and memberships belong to no agreement.
AGREEMENT_PATHS = {
    Agreement: None,
    Party: ("agreement_id", Agreement),
    Signatory: ("agreement_id", Agreement),
    Section: ("agreement_id", Agreement),
    ProblemPicture: ("agreement_id", Agreement),
    ProblemSource: ("problem_picture_id", ProblemPicture),
    ProblemArea: ("problem_picture_id", ProblemPicture),
    ProblemItem: ("area_id", ProblemArea),
    FocusArea: ("agreement_id", Agreement),
    OverallGoal: ("agreement_id", Agreement),
    StepTick: ("agreement_id", Agreement),
    ActionPlan: ("agreement_id", Agreement),
    ActionItem: ("plan_id", ActionPlan),
    Responsibility: ("item_id", ActionItem),
    PlanAdoption: ("plan_id", ActionPlan),
    Indicator: ("agreement_id", Agreement),
    Measurement: ("indicator_id", Indicator),
    FollowUpReport: ("agreement_id", Agreement),
    FollowUpCadence: ("agreement_id", Agreement),
    PartyFulfilment: ("report_id", FollowUpReport),
    ActivityAssessment: ("report_id", FollowUpReport),
    Attachment: ("agreement_id", Agreement),
}
WITHOUT_AGREEMENT = [Organisation, Membership, Invitation]
# The law's items belong to a municipality; its page shows their history.
WITHOUT_AGREEMENT += [SituationReport, PreventionPlan, CoordinatingFunction]
M2M_TRACKED = {ActionItem: ["problem_items"]}


class AuditRecord(models.Model):
    """What every historical record has besides the snapshot."""

    # The name as it was at the time: it stays when the user account is later removed.
    history_user_name = models.CharField(_("changed by"), max_length=300, blank=True)
    # The save (one request) the record came from: a row saved with its parties' cells
    # writes a record of the row and of each responsibility, shown on Historik as one
    # entry. Empty for what no request wrote (the demo, management commands).
    history_save = models.UUIDField(_("save"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _remember_who(sender, history_instance, history_user, **kwargs):
    if history_user is not None:
        history_instance.history_user_name = (
            history_user.get_full_name() or history_user.get_username()
        )
    history_instance.history_save = _save_of_this_request()


def _save_of_this_request():
    """One id for every record the current request writes (simple-history's
    HistoryRequestMiddleware keeps the request), None outside a request."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return None
    if not hasattr(request, "history_save"):
        request.history_save = uuid.uuid4()
    return request.history_save


class RecordsWithLinks(HistoricalRecords):
    """simple-history's records of a model with many-to-many links (a row's problems), the
    links recorded as simple-history records them but with the link table taken from the
    field: simple-history finds it on the object rebuilt from the record, which reads the
    untracked columns (the version) back from the database, a query per save for nothing.
    The links are read as their ids (the same columns simple-history copies), not as objects
    joined with the row and the problem they link: nothing here reads more than the ids."""

    def create_historical_record_m2ms(self, history_instance, instance):
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            columns = [f.attname for f in through_model._meta.fields]
            rows = through_model.objects.filter(
                **{f"{field.m2m_field_name()}_id": instance.pk}
            ).values_list(*columns)
            insert_rows = [
                m2m_history_model(history=history_instance, **dict(zip(columns, row, strict=True)))
                for row in rows
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )


def _track(model):
    fields = {field.name for field in model._meta.concrete_fields}
    register(
        model,
        app="audit",
        records_class=RecordsWithLinks if model in M2M_TRACKED else None,
        bases=[AuditRecord],
        excluded_fields=[
            name for name in [*NOT_TRACKED, *NOT_TRACKED_OF.get(model, [])] if name in fields
        ],
        m2m_fields=M2M_TRACKED.get(model, []),
    )


for _model in [*AGREEMENT_PATHS, *WITHOUT_AGREEMENT]:
    _track(_model)


class HistorySeal(models.Model):
    """One link of the chain that seals the history: the record (its historical model and
    id) and a keyed hash (HMAC from SECRET_KEY) of its content together with the link
    before it. Written once when the record's transaction commits (`audit.seals`); a record
    changed or deleted afterwards, or one that was slipped in, no longer fits the chain, and
    `manage.py verify_history` names it."""

    position = models.PositiveBigIntegerField(_("position"), unique=True)
    table = models.CharField(_("historical model"), max_length=100)
    record_id = models.PositiveBigIntegerField(_("record"))
    chain = models.CharField(_("chained hash"), max_length=64)

    class Meta:
        verbose_name = _("history seal")
        verbose_name_plural = _("history seals")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "record_id"], name="historyseal_one_per_record"
            )
        ]

    def __str__(self):
        return f"{self.position}: {self.table} #{self.record_id}"


class HistoryChainHead(models.Model):
    """The chain's last link, in one row: locked while links are added, so that two
    transactions never both build on the same link."""

    length = models.PositiveBigIntegerField(default=0)
    chain = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("end of the history chain")
        verbose_name_plural = _("end of the history chain")

    def __str__(self):
        return f"{self.length}: {self.chain}"
