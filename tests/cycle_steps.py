"""What the tests of the five steps share (tests/test_cycle_steps*.py)."""

from django.urls import reverse

from agreements.models import ProblemArea, ProblemItem, ProblemPicture
from pages.steps import cycle_steps, steps_queryset

HTMX = {"HX-Request": "true"}


def tick_url(agreement, item):
    return reverse("step_tick", args=[agreement.pk, item])


def untick_url(agreement, item):
    return reverse("step_untick", args=[agreement.pk, item])


def tick_data(item, day="2025-03-04", evidence="Beslut i KS 2025-03-04, § 12", section=""):
    prefix = f"bock-{item}"
    return {
        f"{prefix}-ticked_on": day,
        f"{prefix}-evidence": evidence,
        f"{prefix}-section": section,
    }


def panel(html: str) -> str:
    start = html.index('id="steg"')
    return html[start : html.index("</section>", start)]


def steps_of(agreement):
    return cycle_steps(steps_queryset().get(pk=agreement.pk))


def add_problems(agreement, *causes):
    picture, _ = ProblemPicture.objects.get_or_create(agreement=agreement)
    area = ProblemArea.objects.create(problem_picture=picture, position=50, title="Centrum")
    return [
        ProblemItem.objects.create(area=area, position=n, text=f"Problem {n}", probable_causes=c)
        for n, c in enumerate(causes, start=1)
    ]
