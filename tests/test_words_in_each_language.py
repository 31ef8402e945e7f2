"""Words people use (issue 17, point 11): each language shows only its own words.

The main pages are walked as a coordinator, once in Swedish and once in English. Only
our own text is judged: what users wrote (titles, rows, names, entries) is Swedish in
both languages. A word counts as the users' when it occurs in any text stored in the
database, so the test compares the page's words with the stored words, and its whole
texts with our own catalogue (the msgids and their Swedish msgstrs in django.po):

- in English, a text that is one of our Swedish msgstrs, or a word with å, ä or ö that
  no stored text has, is Swedish that should have been English;
- in Swedish, a text that is one of our English msgids (with a different msgstr), or a
  word that is English only (a short list below) and no stored text has, is English that
  should have been Swedish.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from helpers import make_ready, strangnas_draft
from test_translations import CATALOG, po_entries

from actionplans.models import ItemStatus
from followup.models import FollowUpEntry, FollowUpReport
from followup.report import build_contents
from signing import lifecycle
from signing.views import _signers

SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# English words that are no Swedish words (so "plan", "status", "version" are not here).
ENGLISH_ONLY = {
    "the", "and", "of", "with", "from", "this", "that", "which", "item", "items", "edit",
    "delete", "save", "cancel", "back", "next", "previous", "page", "print", "search",
    "report", "reports", "done", "overdue", "due", "show", "hide", "more", "less", "row",
    "rows", "goal", "goals", "activity", "responsible", "indicator", "position",
    "responsibility", "action", "agreement", "agreements", "changes", "changed", "created",
    "deleted", "added", "none", "yes", "other", "history", "entry", "entries", "party",
    "parties", "signature", "signed", "draft", "overview", "my", "tasks", "new", "not",
    "started", "ongoing", "completed", "cancelled", "written", "column", "heading", "paper",
}  # fmt: skip


# Where users' words are stored: our apps, and people's names. Not Django's permission
# names, content types or task results, which are English and never shown as data.
OURS = {"organisations", "prevention", "agreements", "actionplans", "followup", "audit"}
OURS |= {"signing", "printing", "citizens", "areas", "pages", "exchange"}
USERS_TEXTS = {"auth.User", "auth.Group"}


class ShownText(HTMLParser):
    """The texts a person reads or hears: text nodes and the attributes read aloud."""

    def __init__(self, language):
        super().__init__()
        self.language, self.texts, self.hidden, self.other_language = language, [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.hidden += 1
        if self.other_language and tag == self.other_language[-1]:
            self.other_language.append(tag)
        elif dict(attrs).get("lang", self.language) != self.language:
            # A text marked as in another language: "English" on the language switch.
            self.other_language.append(tag)
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.hidden -= 1
        if self.other_language and tag == self.other_language[-1]:
            self.other_language.pop()

    def handle_data(self, data):
        if not self.hidden and not self.other_language and data.strip():
            self.texts.append(data)


def shown_texts(html: str, language: str) -> list[str]:
    parser = ShownText(language)
    parser.feed(re.sub(r"</?mark>", "", html))  # a search hit marked inside a title
    return [" ".join(text.split()) for text in parser.texts]


@pytest.fixture(scope="module")
def catalogue():
    """Our Swedish msgstrs that differ from their English msgids, and those msgids."""
    entries = po_entries(CATALOG / "django.po")
    swedish = {msgstr.casefold() for msgstrs in entries.values() for msgstr in msgstrs}
    english = {msgid.casefold() for msgid in entries}
    # A word of both languages ("Problem", "Status") is no one's mistake.
    return {"sv": swedish - english, "en": english - swedish}


def stored_texts() -> set[str]:
    """Every text users (and the demo) stored: the users' words, allowed in both languages."""
    texts = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        if not fields:
            continue
        if model._meta.label not in USERS_TEXTS and model._meta.app_label not in OURS:
            continue
        for values in model._default_manager.values_list(*fields):
            texts.update(value for value in values if value)
    return texts


@pytest.fixture
def walked(client, personas, demo, coordinator):
    """The main pages of an agreement with a report, entries, versions and history."""
    agreement = strangnas_draft(demo)
    version = make_ready(agreement, personas.coordinator)
    version.refresh_from_db()
    signatures = [
        {**signer, "name": signer.get("name") or f"Person {n}", "signed_on": "2026-01-15"}
        for n, signer in enumerate(_signers(version))
    ]
    lifecycle.register_signature(
        version, signatures=signatures, scan=b"%PDF-1.4 scan", scan_name="s.pdf", user=None
    )
    lifecycle.revise(agreement, None)
    plan = agreement.action_plans.order_by("position").first()
    row = plan.items.order_by("position").first()
    FollowUpEntry.objects.create(
        item=row,
        occurred_on=datetime.date(2026, 3, 2),
        what_was_done="Vandring i parken",
        status=ItemStatus.IN_PROGRESS,
    )
    report, final = (
        FollowUpReport.objects.create(
            agreement=agreement,
            title=title,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
        )
        for title in ("Uppföljning 2026", "Slutlig uppföljning 2026")
    )
    # Made final by a Swedish user: its frozen contents are read in English too.
    with translation.override("sv"):
        assert final.finalise(build_contents(final), datetime.date(2027, 1, 15))
    pk = agreement.pk
    return [
        reverse("overview"),
        reverse("agreement_list"),
        reverse("agreement_detail", args=[pk]),
        reverse("plan_detail", args=[pk, plan.pk]),
        reverse("row_edit", args=[pk, plan.pk, row.pk]),
        reverse("entry_create", args=[pk, plan.pk, row.pk]),
        reverse("follow_up", args=[pk]),
        reverse("report_detail", args=[pk, report.pk]),
        reverse("report_detail", args=[pk, final.pk]),
        reverse("agreement_history", args=[pk]),
        reverse("row_history", args=[pk, row.pk]),
        reverse("my_tasks"),
        reverse("search") + "?q=Strängnäs",
        reverse("compare_versions", args=[pk]),
        reverse("version_detail", args=[pk, version.number]),
    ]


def foreign_words(client, urls, language, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    stored = stored_texts()
    stored_words = {word.casefold() for text in stored for word in WORD.findall(text)}
    other = catalogue["sv" if language == "en" else "en"]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        for text in shown_texts(response.text, language):
            if text.casefold() in other and text not in stored:
                found.setdefault(url, set()).add(text)
                continue
            for word in WORD.findall(text):
                folded = word.casefold()
                if folded in stored_words:
                    continue
                swedish = SWEDISH_LETTERS.search(word)
                english = folded in ENGLISH_ONLY
                if swedish if language == "en" else english:
                    found.setdefault(url, set()).add(f"{word} in: {text}")
    return found


def test_no_swedish_of_ours_in_english(client, walked, catalogue):
    assert foreign_words(client, walked, "en", catalogue) == {}


def test_no_english_of_ours_in_swedish(client, walked, catalogue):
    assert foreign_words(client, walked, "sv", catalogue) == {}
