"""Words people use (issue 17, point 11), beside tests/test_words_in_each_language.py:
model names in both languages, plain Swedish instead of jargon, one number per item,
Skriv ut for readers, names that follow a changed title, and a favicon."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from helpers import make_ready, strangnas_draft
from test_translations import CATALOG, po_entries
from test_words_in_each_language import OURS

from printing.documents import agreement_request, plan_request

HTMX = {"HX-Request": "true"}


def test_every_model_is_named_in_both_languages():
    """Historik and the admin name records by their model: each name is a translated
    message, never Django's default from the class name ("action item" in Swedish too).
    The history tables simple-history makes are named after their model and not shown."""
    catalogue = po_entries(CATALOG / "django.po")
    unnamed = []
    for model in apps.get_models():
        if model._meta.app_label not in OURS or model._meta.model_name.startswith("historical"):
            continue
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
            with translation.override("en"):
                english = str(name)
            if not isinstance(name, Promise) or english not in catalogue:
                unnamed.append(f"{model._meta.label}: {english}")
    assert unnamed == []


JARGON = ["som i källan", "källans", "kolumnrubrik", "Pappret att", "Fortsätter målet ovan"]


def test_the_swedish_has_no_jargon():
    said = [
        msgstr
        for msgstrs in po_entries(CATALOG / "django.po").values()
        for msgstr in msgstrs
        if any(word.casefold() in msgstr.casefold() for word in JARGON)
    ]
    assert said == []


@pytest.fixture
def draft(demo):
    return strangnas_draft(demo)


def test_a_party_is_named_as_the_plans_call_it_and_focus_areas_numbered_once(coordinator, draft):
    page = coordinator.get(reverse("draft_editor", args=[draft.pk])).text
    assert "kolumn:" not in page
    assert "kallas ”Kommun” i handlingsplanerna" in page
    # A list whose items carry their number in the text shows no second number.
    for attributes, items in re.findall(r'<ol class="(parts[^"]*)"[^>]*>(.*?)</ol>', page, re.S):
        numbered = re.search(r"<li[^>]*>\s*(?:<[^>]+>\s*)*\d+\. ", items)
        assert bool(numbered) == ("numbered-in-text" in attributes), attributes
    assert "numbered-in-text" in page
    css = Path(finders.find("css/samverkan.css")).read_text()
    assert re.search(r"ol\.parts\.numbered-in-text \{ list-style: none;", css)


def test_readers_print_and_those_who_sign_print_for_signature(client, personas, demo):
    url = reverse("agreement_detail", args=[demo["strangnas-2020"].pk])
    client.force_login(personas.reader)
    page = client.get(url).text
    assert ">Skriv ut</button>" in page and "Skriv ut för underskrift" not in page
    client.force_login(personas.coordinator)
    assert ">Skriv ut för underskrift</button>" in client.get(url).text


def test_a_reader_of_a_version_prints_it(client, personas, draft):
    version = make_ready(draft, personas.coordinator)
    url = reverse("version_detail", args=[draft.pk, version.number])
    client.force_login(personas.reader)
    page = client.get(url).text
    assert "Skriv ut (PDF)" in page and "Skriv ut för underskrift" not in page
    assert "Dokumentet att skriva under" in page
    client.force_login(personas.coordinator)
    assert "Skriv ut för underskrift (PDF)" in client.get(url).text


def test_breadcrumb_and_file_names_follow_a_changed_title(coordinator, personas, draft):
    url = reverse("draft_facts", args=[draft.pk])
    data = {
        "title": "Trygga Mariefred 2026–2029",
        "valid_from": "2026-01-01",
        "valid_until": "2029-12-31",
        "renewal_rule": "fixed_end",
        "version": draft.edit_version,
    }
    saved = coordinator.post(url, data, headers=HTMX).text
    crumbs = re.search(
        r'<nav class="breadcrumbs"[^>]*hx-swap-oob="true"[^>]*>(.*?)</nav>', saved, re.S
    )
    assert crumbs and "Trygga Mariefred 2026–2029" in crumbs.group(1)
    assert "<title>Redigera utkast: Trygga Mariefred 2026–2029 – Samverkan</title>" in saved
    draft.refresh_from_db()
    assert draft.reference != "trygga-mariefred-2026-2029"  # made from the first title
    plan = draft.action_plans.order_by("position").first()
    sheet = coordinator.get(reverse("plan_xlsx", args=[draft.pk, plan.pk]))
    assert 'filename="handlingsplan-trygga-mariefred-2026-2029-' in sheet["Content-Disposition"]
    assert agreement_request(draft).filename.startswith("trygga-mariefred-2026-2029-")
    assert plan_request(draft, plan).filename.startswith("trygga-mariefred-2026-2029-")
    version = make_ready(draft, personas.coordinator)
    pdf = coordinator.get(reverse("version_pdf", args=[draft.pk, version.number]))
    assert "trygga-mariefred-2026-2029-version-1.pdf" in pdf["Content-Disposition"]


@pytest.mark.parametrize("page", ["/", "/medborgarloften/"], ids=["site", "public"])
def test_every_page_names_the_favicon(client, personas, page):
    client.force_login(personas.coordinator)
    html = client.get(page).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    svg = Path(finders.find("favicon.svg")).read_text()
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg
    assert settings.STATIC_URL == "/static/"
