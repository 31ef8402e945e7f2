"""The ticks of the five steps' done-when lists (optional in version 2): the item, the day,
who ticked it by name, the evidence and the section (by its 1-based place in sections);
read here and written by `exported_step_ticks` (export.py calls it)."""

from django.utils.translation import gettext as _

from agreements.models import StepTick

from .base import AgreementBuild, given


def step_ticks(build: AgreementBuild):
    ticks = build.data.get("step_ticks", [])
    if not ticks:
        return
    sections = list(build.agreement.sections.order_by("position"))
    seen = set()
    for index, data in enumerate(ticks):
        path = f"step_ticks[{index}]"
        if data["item"] in seen:
            build.error(path, _("%(item)s is ticked more than once") % {"item": data["item"]})
            continue
        seen.add(data["item"])
        section = None
        number = data.get("section")
        if number is not None:
            if number > len(sections):
                build.error(
                    f"{path}.section",
                    _("there is no section %(number)s") % {"number": number},
                )
                continue
            section = sections[number - 1]
        names = given(StepTick, data, "item", "ticked_on", "evidence")
        build.save(
            StepTick(
                agreement=build.agreement,
                section=section,
                ticked_by_name=data.get("ticked_by", ""),
                **names,
            ),
            path,
        )


def exported_step_ticks(agreement) -> dict:
    """The ticks, only when there are some, so that files of agreements without them read
    as before. Who ticked by name: user accounts are not part of the format."""
    numbers = {section.pk: n for n, section in enumerate(agreement.sections.all(), start=1)}
    ticks = [
        {
            "item": tick.item,
            "ticked_on": tick.ticked_on.isoformat(),
            "ticked_by": tick.ticked_by_shown,
            "evidence": tick.evidence,
            "section": numbers.get(tick.section_id),
        }
        for tick in agreement.step_ticks.all()
    ]
    return {"step_ticks": ticks} if ticks else {}
