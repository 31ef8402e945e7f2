"""Pieces of finished HTML put into a rendered page after the template
(samverkan/spliced.py), as the plan page puts in its rows: each piece lands in place of its
own marker, and text that looks like a marker is left as it is."""

import re

from django.urls import reverse

from actionplans.models import ActionItem
from samverkan.spliced import Splice


def test_each_piece_takes_the_place_of_its_marker():
    splice = Splice()
    first, second = splice.piece("<tr>1</tr>"), splice.piece("<tr>2</tr>")
    page = f"<table>{first}<!-- a comment -->{second}</table>{first}"
    assert splice.into(page) == "<table><tr>1</tr><!-- a comment --><tr>2</tr></table><tr>1</tr>"


def test_a_marker_of_another_render_is_not_a_piece_of_this_one():
    earlier, splice = Splice(), Splice()
    forged = earlier.piece("<script>alert(1)</script>")
    marker = splice.piece("<tr>rad</tr>")
    assert splice.into(f"{forged}{marker}") == f"{forged}<tr>rad</tr>"


def test_the_plan_page_prints_every_row_and_no_marker(client, personas, demo):
    """A row whose text looks like a marker is escaped on the way in, so it stays text."""
    plan = demo["strangnas-2020"].action_plans.get()
    item = plan.items.order_by("position").first()
    ActionItem.objects.filter(pk=item.pk).update(activity="<!--0123456789abcdef-0-->")
    client.force_login(personas.coordinator)
    page = client.get(reverse("plan_detail", args=[plan.agreement_id, plan.pk])).text
    shown = re.findall(r'<tr id="rad-(\d+)" class="plan-row">', page)
    assert sorted(map(int, shown)) == sorted(plan.items.values_list("pk", flat=True))
    assert "&lt;!--0123456789abcdef-0--&gt;" in page
    assert not re.search(r"<!--[0-9a-f]{16}-[0-9]+-->", page)
