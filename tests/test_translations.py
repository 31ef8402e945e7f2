"""Everything a user sees is Swedish: the catalog is complete and its compiled form current."""

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

from agreements.models import Agreement

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "sv" / "LC_MESSAGES"


def po_entries(path: Path) -> dict[str, list[str]]:
    """msgid → its translations (one, or one per plural form) of a .po file."""
    entries, current, key = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid", "msgstr")):
            key, rest = line.split(" ", 1)
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and key:
            entries[current["msgid"]] = [
                value for name, value in current.items() if name.startswith("msgstr")
            ]
            current, key = {}, None
    entries.pop("", None)
    return entries


def test_every_message_has_a_swedish_translation():
    entries = po_entries(CATALOG / "django.po")
    assert len(entries) > 200
    assert [msgid for msgid, msgstrs in entries.items() if not all(msgstrs)] == []
    assert "#, fuzzy" not in (CATALOG / "django.po").read_text(encoding="utf-8")


def test_the_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "django.mo", "rb") as file:
        compiled = gettext.GNUTranslations(file)
    for msgid, msgstrs in po_entries(CATALOG / "django.po").items():
        if len(msgstrs) == 1:
            assert compiled.gettext(msgid) == msgstrs[0], msgid
        else:
            assert [compiled.ngettext(msgid, msgid, n) for n in (1, 2)] == msgstrs, msgid


@pytest.mark.parametrize(("language", "expected"), [("sv", "överenskommelse"), ("en", "agreement")])
def test_model_names_follow_the_active_language(language, expected):
    with translation.override(language):
        assert str(Agreement._meta.verbose_name) == expected


@pytest.mark.django_db
def test_pages_are_swedish_whatever_language_the_browser_asks_for(client):
    response = client.get("/konto/logga-in/", headers={"accept-language": "en-US,en;q=0.9"})
    assert "Användarnamn" in response.text
    assert response.headers["Content-Language"] == "sv"


@pytest.mark.django_db
def test_english_is_shown_to_whoever_chooses_it(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/konto/logga-in/"})
    assert response.status_code == 302
    assert "User name" in client.get("/konto/logga-in/").text
    client.post("/i18n/setlang/", {"language": "sv", "next": "/konto/logga-in/"})
    assert "Användarnamn" in client.get("/konto/logga-in/").text


def test_djangos_empty_choice_label_is_swedish_too():
    from django import forms

    class Choice(forms.Form):
        status = forms.ModelChoiceField(queryset=Agreement.objects.none())

    with translation.override("sv"):
        assert "- Välj -" in str(Choice()["status"])
