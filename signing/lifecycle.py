"""An agreement's life as a whole: frozen for signature, signed, revised, extended, renewed
per calendar year and terminated. Every step checks that it may be taken now, changes the
agreement and records an AgreementEvent in one transaction.

    draft ──Klar för underskrift──▶ ready_for_signature ──Registrera underskrift──▶ signed
      ▲ ◀──Ångra klar för underskrift──┘                                            │
      └──────────────────────────────────── Revidera ◀──────────────────────────────┤
                                                              Säg upp ──▶ terminated

Only this lifecycle is stored (Agreement.status). Whether a signed agreement is in force,
expiring or over follows from its dates on the day (Agreement.status_on); `refresh_statuses`
only records the renewals of agreements renewed per calendar year.

Each step is one conditional UPDATE of the agreement, on the state it was checked in: of two
steps at once exactly one wins, and the other is told why it was refused.
"""

import datetime
import hashlib

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementStatus, RenewalRule
from exchange.export import agreement_to_dict, agreements_for_export
from samverkan.dates import LATEST
from samverkan.saving import saved_without_save

from . import readiness
from .models import AgreementEvent, AgreementVersion, EventKind


class LifecycleError(Exception):
    """A step that cannot be taken now; the message says why, in the user's language."""


class NotReadyForSignature(LifecycleError):
    """Klar för underskrift refused by the check before signing: something required is
    missing, or warnings were not acknowledged. `findings` are all of the check's."""

    def __init__(self, message: str, findings: list):
        super().__init__(message)
        self.findings = findings


def printed_snapshot(agreement: Agreement) -> dict:
    """Everything the paper carries, in the JSON exchange format: the text, parties,
    signatories, problem picture, focus areas and plans, without the follow-up that goes on
    after signing (entries, row statuses, cadences, goals, reports)."""
    data = agreement_to_dict(agreements_for_export([agreement.pk]).get())
    for key in ("follow_up_cadences", "indicators", "follow_up_reports"):
        data[key] = []
    for plan in data["action_plans"]:
        for item in plan["items"]:
            item["follow_up_entries"] = []
            item.pop("status", None)
    data.pop("status", None)
    return data


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def current_version(agreement: Agreement) -> AgreementVersion | None:
    """The frozen version of the agreement's current version number, if it is frozen."""
    return agreement.versions.filter(number=agreement.version).first()


@transaction.atomic
def make_ready(agreement: Agreement, user, today: datetime.date | None = None, *, seen_warnings=()):
    """Klar för underskrift: freeze the draft as version N. The PDF is rendered from the
    frozen agreement by the background worker (signing.tasks) and stored with its SHA-256;
    until the version is signed its text and plans cannot change.

    Refused while the check before signing (readiness.py) finds something required
    missing, or a warning whose code is not among `seen_warnings`; the warnings
    acknowledged are recorded with the event."""
    from .tasks import render_version_pdf

    agreement = Agreement.objects.get(pk=agreement.pk)
    if agreement.status != AgreementStatus.DRAFT:
        raise LifecycleError(_("Only a draft can be made ready for signature."))
    if not agreement.parties.exists():
        raise LifecycleError(_("The agreement has no parties yet: add them before signing."))
    if agreement.versions.filter(number=agreement.version).exists():
        raise LifecycleError(_("This version is already frozen."))
    findings = readiness.check_before_signing(agreement)
    if readiness.required(findings):
        raise NotReadyForSignature(
            _("Something the agreement must contain is missing: nothing was frozen."), findings
        )
    warnings = readiness.warnings(findings)
    if any(warning.code not in seen_warnings for warning in warnings):
        raise NotReadyForSignature(
            _("Look at the warnings and confirm you have seen them: nothing was frozen."),
            findings,
        )
    _step(
        agreement,
        Q(status=AgreementStatus.DRAFT, version=agreement.version),
        _("Someone else changed the agreement's state just now: nothing was frozen."),
        status=AgreementStatus.READY,
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version,
        snapshot=printed_snapshot(agreement),
        frozen_by=user,
    )
    seen = "; ".join(warning.message for warning in warnings)
    note = _("Warnings seen when it was frozen: %(warnings)s") % {"warnings": seen} if seen else ""
    _record(agreement, EventKind.FROZEN, user, today, note=note)
    # Queued in the same transaction: the worker sees the task only if the version exists.
    render_version_pdf.enqueue(version.pk)
    return version


def awaiting_signature(agreement: Agreement) -> AgreementVersion | None:
    """The frozen version waiting for signatures, if one is."""
    if agreement.status != AgreementStatus.READY:
        return None
    return current_version(agreement)


@transaction.atomic
def undo_ready(
    agreement: Agreement, number: int, user, reason: str, today: datetime.date | None = None
):
    """Ångra klar för underskrift: the version waiting for signatures goes back to being
    written, as version N+1. Version N stays as it was frozen (a frozen version is never
    changed or removed, and its paper may have been sent out) but can no longer be signed;
    the reason is recorded with the event."""
    agreement = Agreement.objects.get(pk=agreement.pk)
    version = awaiting_signature(agreement)
    if version is None or version.number != number:
        raise LifecycleError(_("No version of this agreement is waiting for signatures."))
    _step(
        agreement,
        Q(status=AgreementStatus.READY, version=version.number),
        _("Someone else changed the agreement's state just now: it was not taken back."),
        status=AgreementStatus.DRAFT,
        version=version.number + 1,
    )
    _record(agreement, EventKind.WITHDRAWN, user, today, note=reason, version=version.number)
    return agreement


def store_version_pdf(version: AgreementVersion, content: bytes) -> None:
    """The version's PDF, written once with its SHA-256."""
    version.pdf.save(f"overenskommelse-{version.number}.pdf", ContentFile(content), save=False)
    version.pdf_sha256 = sha256(content)
    version.pdf_error = ""  # an earlier attempt's error (e.g. the database was away)
    version.save()


@transaction.atomic
def register_signature(
    version: AgreementVersion,
    *,
    signatures: list[dict],
    scan: bytes,
    scan_name: str,
    user,
    today: datetime.date | None = None,
) -> None:
    """Registrera underskrift: who signed, where and when, with the signed scan; the
    agreement becomes signed (active from its first day)."""
    today = today or timezone.localdate()
    agreement = Agreement.objects.select_for_update().get(pk=version.agreement_id)
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_signed:
        raise LifecycleError(_("This version is already signed."))
    if agreement.status != AgreementStatus.READY or agreement.version != version.number:
        raise LifecycleError(_("Only the version that is ready for signature can be signed."))
    if not version.pdf:
        raise LifecycleError(_("The PDF to sign is not ready yet."))
    _step(
        agreement,
        Q(status=AgreementStatus.READY, version=version.number),
        _("Someone else changed the agreement's state just now: the signature was not registered."),
        status=AgreementStatus.SIGNED,
        signed_version=version.number,
    )
    version.signatures = signatures
    version.signed_on = max(datetime.date.fromisoformat(s["signed_on"]) for s in signatures)
    version.signed_scan.save(scan_name, ContentFile(scan), save=False)
    version.signed_scan_sha256 = sha256(scan)
    version.signature_registered_at = timezone.now()
    version.signature_registered_by = user
    version.save()
    _record(agreement, EventKind.SIGNED, user, version.signed_on)


@transaction.atomic
def revise(agreement: Agreement, user, today: datetime.date | None = None) -> Agreement:
    """Revidera: begin version N+1 as a draft of the signed text. The signed version holds
    (and is followed up) until the new one is signed."""
    agreement = Agreement.objects.get(pk=agreement.pk)
    if agreement.status != AgreementStatus.SIGNED:
        raise LifecycleError(_("Only a signed agreement can be revised."))
    _step(
        agreement,
        Q(status=AgreementStatus.SIGNED, version=agreement.version),
        _("Someone else changed the agreement's state just now: no revision was begun."),
        status=AgreementStatus.DRAFT,
        version=agreement.version + 1,
    )
    _record(agreement, EventKind.REVISED, user, today)
    return agreement


def latest_extension_end(agreement: Agreement) -> datetime.date | None:
    if agreement.renewal_rule != RenewalRule.EXTENDABLE or agreement.valid_until is None:
        return None
    try:
        latest = agreement.valid_until + relativedelta(years=agreement.extension_max_years)
    except (OverflowError, ValueError):  # past year 9999, from data older than the bounds
        return LATEST
    return min(latest, LATEST)


def _refuse_while_awaiting_signature(agreement: Agreement) -> None:
    """The period and renewal rule are part of the paper waiting for signatures: changed
    now, the frozen version would no longer be what the agreement says."""
    if agreement.status == AgreementStatus.READY:
        raise LifecycleError(
            _(
                "Version %(number)s is waiting for signatures with the present period: "
                "register the signature first, or take the version back to draft (Undo ready "
                "for signature)."
            )
            % {"number": agreement.version}
        )


@transaction.atomic
def extend(agreement: Agreement, new_end: datetime.date, user, note: str = "", today=None):
    """Förläng: a later end, by at most the agreement's longest extension."""
    today = today or timezone.localdate()
    agreement = Agreement.objects.get(pk=agreement.pk)
    _refuse_while_awaiting_signature(agreement)
    if agreement.renewal_rule != RenewalRule.EXTENDABLE:
        raise LifecycleError(_("The agreement's renewal rule does not allow an extension."))
    if agreement.signed_version is None:
        raise LifecycleError(_("Only a signed agreement can be extended."))
    if agreement.terminated_on:
        raise LifecycleError(_("A terminated agreement cannot be extended."))
    if agreement.valid_until is None:
        # A period written in years or as a length: an extension would need an exact end
        # the document does not give. Revise the agreement to write the new period.
        raise LifecycleError(
            _("Only an agreement with an exact end date can be extended: revise it instead.")
        )
    if new_end <= agreement.valid_until:
        raise LifecycleError(_("The new end must be after the current end."))
    if new_end > latest_extension_end(agreement):
        raise LifecycleError(
            _("The agreement may be extended until %(day)s at the latest.")
            % {"day": latest_extension_end(agreement).isoformat()}
        )
    previous = agreement.valid_until
    _step(
        agreement,
        Q(valid_until=previous, terminated_on__isnull=True, version=agreement.version)
        & ~Q(status=AgreementStatus.READY),
        _("Someone else changed the agreement's period just now: look again and retry."),
        valid_until=new_end,
    )
    _record(agreement, EventKind.EXTENDED, user, today, previous, new_end, note)


@transaction.atomic
def terminate(agreement: Agreement, last_day: datetime.date, user, note: str = "", today=None):
    """Säg upp: the agreement ends on the day given (its last day in force). A revision
    being written ends with it."""
    today = today or timezone.localdate()
    agreement = Agreement.objects.get(pk=agreement.pk)
    _refuse_while_awaiting_signature(agreement)
    if agreement.signed_version is None:
        raise LifecycleError(_("Only a signed agreement can be terminated."))
    if agreement.terminated_on:
        raise LifecycleError(_("The agreement is already terminated."))
    first_day = agreement.counted_period()[0]
    if first_day and last_day < first_day:
        raise LifecycleError(_("The last day cannot be before the agreement starts."))
    if agreement.last_day() and last_day > agreement.last_day():
        raise LifecycleError(_("The last day cannot be after the agreement ends anyway."))
    previous = agreement.last_day()
    _step(
        agreement,
        Q(terminated_on__isnull=True, version=agreement.version) & ~Q(status=AgreementStatus.READY),
        _("Someone else changed the agreement's state just now: look again and retry."),
        terminated_on=last_day,
        status=AgreementStatus.TERMINATED,
    )
    _record(agreement, EventKind.TERMINATED, user, today, previous, last_day, note)


def renew_calendar_years(agreement: Agreement, today: datetime.date) -> int:
    """An agreement renewed per calendar year runs into each new year it is not terminated
    for: one renewal is recorded per year, with the end it runs to. Its first end date
    stays as signed. Returns how many renewals were recorded."""
    if (
        agreement.renewal_rule != RenewalRule.CALENDAR_YEAR
        or agreement.terminated_on
        or agreement.counted_period()[1] is None
        or agreement.signed_version is None
    ):
        return 0
    renewed = agreement.events.filter(kind=EventKind.RENEWED).order_by("-new_end").first()
    end = renewed.new_end if renewed else agreement.counted_period()[1]
    count = 0
    while end < today:
        new_end = datetime.date(end.year + 1, 12, 31)
        _record(agreement, EventKind.RENEWED, None, end + datetime.timedelta(days=1), end, new_end)
        end, count = new_end, count + 1
    return count


def refresh_statuses(today: datetime.date | None = None) -> int:
    """Record the calendar-year renewals due by today (statuses are computed, not stored);
    returns how many agreements were renewed."""
    today = today or timezone.localdate()
    renewed = 0
    for agreement in Agreement.objects.filter(
        renewal_rule=RenewalRule.CALENDAR_YEAR,
        signed_version__isnull=False,
        terminated_on__isnull=True,
    ).filter(Q(valid_until__lt=today) | Q(valid_until__isnull=True, first_year__lt=today.year)):
        with transaction.atomic():
            # One at a time: two runs at once must not record a year twice.
            Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
            renewed += bool(renew_calendar_years(agreement, today))
    return renewed


def _step(agreement: Agreement, allowed: Q, refusal: str, **changes) -> None:
    """One conditional UPDATE: written only if the agreement is still in the state it was
    checked in, else LifecycleError(refusal). The audit trail hears of it as of a save."""
    changes["updated_at"] = timezone.now()
    if not Agreement.objects.filter(allowed, pk=agreement.pk).update(**changes):
        raise LifecycleError(refusal)
    for name, value in changes.items():
        setattr(agreement, name, value)
    saved_without_save(agreement, list(changes))


def _record(agreement, kind, user, day, previous_end=None, new_end=None, note="", version=None):
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=kind,
        happened_on=day or timezone.localdate(),
        version=version or agreement.version,
        previous_end=previous_end,
        new_end=new_end,
        note=note,
        recorded_by=user,
    )
