"""The follow-up's attachments in a backup archive (signing/archive.py): each file under
files/<reference>/bilagor/, and in attachments.json what it is attached to, by a key that
names the same entry or report in the restored agreement (entries and reports have no
identity of their own in the JSON format, but keep their order).

    entry:  "<plan>.<row>.<entry>", each counted from 1 in the order the export writes them
    report: "<report>", counted from 1 by period start
"""

import hashlib

from django.core.files.base import ContentFile
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from actionplans.models import ActionItem, ActionPlan
from exchange.importer import DocumentError
from followup.models import Attachment, FollowUpEntry


def entry_keys(agreement) -> dict:
    """{entry id: key} for every entry of the agreement."""
    plans = ActionPlan.objects.filter(agreement=agreement).order_by("position", "pk")
    plan_numbers = {pk: n for n, pk in enumerate(plans.values_list("pk", flat=True), start=1)}
    items = ActionItem.objects.filter(plan__agreement=agreement).order_by("position", "pk")
    item_numbers, counted = {}, {}
    for pk, plan_id in items.values_list("pk", "plan_id"):
        counted[plan_id] = counted.get(plan_id, 0) + 1
        item_numbers[pk] = f"{plan_numbers[plan_id]}.{counted[plan_id]}"
    entries = FollowUpEntry.objects.filter(item__plan__agreement=agreement).order_by(
        "occurred_on", "created_at", "pk"
    )
    keys, counted = {}, {}
    for pk, item_id in entries.values_list("pk", "item_id"):
        counted[item_id] = counted.get(item_id, 0) + 1
        keys[pk] = f"{item_numbers[item_id]}.{counted[item_id]}"
    return keys


def report_keys(agreement) -> dict:
    reports = agreement.follow_up_reports.order_by("period_start", "pk")
    return {pk: str(n) for n, pk in enumerate(reports.values_list("pk", flat=True), start=1)}


def attachments_data(agreements, files: dict) -> tuple[dict, list]:
    """({reference: [attachment]}, the users who added them); the files into `files`."""
    data, users = {}, []
    for agreement in agreements:
        attachments = list(agreement.attachments.select_related("added_by").order_by("pk"))
        if not attachments:
            continue
        entries, reports = entry_keys(agreement), report_keys(agreement)
        for number, attachment in enumerate(attachments, start=1):
            # Numbered in the archive, not by id: a restored database gives other ids.
            name = f"files/{agreement.reference}/bilagor/{number}-{attachment.name}"
            with attachment.file.open("rb") as handle:
                files[name] = handle.read()
            users.append(attachment.added_by)
            data.setdefault(agreement.reference, []).append(
                {
                    "entry": entries.get(attachment.entry_id),
                    "report": reports.get(attachment.report_id),
                    "name": attachment.name,
                    "content_type": attachment.content_type,
                    "sha256": attachment.sha256,
                    "added_by": attachment.added_by.get_username() if attachment.added_by else None,
                    "added_by_name": attachment.added_by_name,
                    "added_at": attachment.added_at.isoformat(),
                    "file": name,
                }
            )
    return data, users


def check_attachment_files(data: dict, parts: dict) -> list[str]:
    """The names of the files that are not what their records' checksums say."""
    return [
        each["file"]
        for attachments in data.values()
        for each in attachments
        if hashlib.sha256(parts.get(each["file"], b"")).hexdigest() != each["sha256"]
    ]


def restore_attachments(agreement, attachments, parts, users, written) -> None:
    entries = {key: pk for pk, key in entry_keys(agreement).items()}
    reports = {key: pk for pk, key in report_keys(agreement).items()}
    for data in attachments:
        entry_id, report_id = entries.get(data["entry"]), reports.get(data["report"])
        if entry_id is None and report_id is None:
            raise DocumentError(
                [_("An attachment in the archive belongs to nothing: %(name)s") % data]
            )
        content = parts[data["file"]]
        attachment = Attachment(
            agreement=agreement,
            entry_id=entry_id,
            report_id=report_id,
            name=data["name"],
            content_type=data["content_type"],
            size=len(content),
            sha256=data["sha256"],
            added_by=users.get(data["added_by"]),
            added_by_name=data["added_by_name"],
        )
        attachment.file.save(data["name"], ContentFile(content), save=False)
        written.append(attachment.file)
        attachment.save()
        # added_at is set on creation; keep the original moment.
        Attachment.objects.filter(pk=attachment.pk).update(
            added_at=parse_datetime(data["added_at"])
        )
