"""Sök: one search over the agreements, their parties, sections, plan rows and follow-up
entries the user may see (agreements/access.py), each hit saying where it is and linking
to it (docs/search.md).

On PostgreSQL it is full-text search in Swedish (`django.contrib.postgres.search`): the
words are stemmed ("ungdomar" finds "ungdomen"), ranked, and a word is also a prefix
("Eskilst" finds "Eskilstuna"); the snippet is PostgreSQL's headline. On SQLite (a
developer's machine, `make run`) every word must occur in the hit as written, in any case
(å, ä and ö too, which SQLite's own LIKE folds only for A–Z). One query per kind of hit,
which also counts that kind's hits (a window function), however many are found.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import Count, Window
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem
from agreements.access import visible_agreements
from agreements.models import Party, Section
from followup.models import LATEST_FIRST, FollowUpEntry
from samverkan.fetching import page_fetch_mode

from .search_matching import (
    marked_html,
    matching_in_postgresql,
    matching_in_sqlite,
    plain_document,
    plain_headline,
    wanted_words,
)

MAX_LENGTH = 200
FIRST_HITS = 5  # of each kind, when all kinds are shown
PAGE_SIZE = 20  # hits on a page of one kind
LAST_PAGE = 50  # pages further on are not served: a narrower search finds more


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_LENGTH,
        error_messages={"required": _("Write what you are looking for.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_(
            "Agreements, parties, sections, plan rows and follow-up. All the words must "
            "be found; -word leaves a word out."
        ),
    )

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if not wanted_words(text):
            raise forms.ValidationError(
                _("Write at least one word or number to search for."), code="no_words"
            )
        return text


@dataclass
class Hit:
    title: str
    url: str
    trail: list[str]  # where it is, outermost first
    snippet: SafeString


@dataclass
class Kind:
    """One kind of hit: where it is searched (`fields`, the first weighing most) and how
    a hit is shown."""

    key: str  # in the address: ?typ=avsnitt
    title: Promise
    fields: tuple[str, ...]
    order: tuple[str, ...]  # on SQLite, and among hits of the same rank
    related: tuple[str, ...]
    visible: Callable  # the visible agreements -> the kind's queryset
    hit: Callable  # an object found -> its Hit


def _agreement_hit(agreement) -> Hit:
    return Hit(
        agreement.title,
        agreement.get_absolute_url(),
        [agreement.get_kind_display(), agreement.reference],
        SafeString(""),
    )


def _party_hit(party) -> Hit:
    name = party.shown_name
    if party.name and party.name != party.organisation.name:
        name = f"{party.name} ({party.organisation.name})"
    agreement = party.agreement
    return Hit(name, agreement.get_absolute_url(), [agreement.title, gettext("Parties")], "")


def _section_hit(section) -> Hit:
    agreement = section.agreement
    url = f"{agreement.get_absolute_url()}#avsnitt-{section.position}"
    return Hit(str(section), url, [agreement.title], "")


def _plan_trail(plan) -> list[str]:
    return [plan.agreement.title, plan.title or gettext("Action plan")]


def _row_name(item) -> str:
    return Truncator(item.activity).words(14) or gettext("(row without activity)")


def _row_hit(item) -> Hit:
    plan = item.plan
    url = reverse("plan_detail", args=[plan.agreement_id, plan.pk]) + f"#rad-{item.pk}"
    return Hit(_row_name(item), url, _plan_trail(plan), "")


def _entry_hit(entry) -> Hit:
    item = entry.item
    url = reverse("follow_up", args=[item.plan.agreement_id])
    url += f"?rad={item.pk}#post-{entry.pk}"
    title = gettext("Follow-up of %(day)s") % {"day": entry.occurred_on.isoformat()}
    return Hit(title, url, [*_plan_trail(item.plan), _row_name(item)], "")


KINDS = [
    Kind(
        "overenskommelser",
        _("Agreements"),
        ("title", "subtitle", "reference"),
        ("title", "pk"),
        (),
        lambda visible: visible,
        _agreement_hit,
    ),
    Kind(
        "parter",
        _("Parties"),
        ("name", "organisation__name", "label"),
        ("agreement__title", "position", "pk"),
        ("agreement", "organisation"),
        lambda visible: Party.objects.filter(agreement__in=visible),
        _party_hit,
    ),
    Kind(
        "avsnitt",
        _("Sections"),
        ("heading", "body"),
        ("agreement__title", "position", "pk"),
        ("agreement",),
        lambda visible: Section.objects.filter(agreement__in=visible),
        _section_hit,
    ),
    Kind(
        "rader",
        _("Plan rows"),
        ("activity", "goal", "when_text"),
        ("plan__agreement__title", "plan__position", "position", "pk"),
        ("plan__agreement",),
        lambda visible: ActionItem.objects.filter(plan__agreement__in=visible),
        _row_hit,
    ),
    Kind(
        "uppfoljning",
        _("Follow-up entries"),
        ("what_was_done", "effect"),
        tuple(LATEST_FIRST),
        ("item__plan__agreement",),
        lambda visible: FollowUpEntry.objects.filter(item__plan__agreement__in=visible),
        _entry_hit,
    ),
]
KIND_KEYS = {kind.key: kind for kind in KINDS}


@dataclass
class HitGroup:
    kind: Kind
    hits: list[Hit]
    total: int
    page: int = 1
    page_size: int = FIRST_HITS

    @property
    def more(self) -> int:
        """Hits of this kind not shown on the page of all kinds."""
        return max(self.total - len(self.hits), 0)

    @property
    def pages(self) -> int:
        return min(-(-self.total // self.page_size), LAST_PAGE)

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


@dataclass
class SearchResults:
    text: str
    groups: list[HitGroup] = field(default_factory=list)
    kind: Kind | None = None  # one kind, page by page; else the first hits of each

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def search(user, text: str, kind_key: str = "", page: int = 1) -> SearchResults:
    """What the user may see that matches the text: the first hits of each kind, or a
    page of one kind (`kind_key`, as in the address)."""
    visible = visible_agreements(user)
    kind = KIND_KEYS.get(kind_key)
    results = SearchResults(text, kind=kind)
    if kind is None:
        for each in KINDS:
            results.groups.append(_hits(each, visible, text, 0, FIRST_HITS))
    else:
        page = min(max(page, 1), LAST_PAGE)
        group = _hits(kind, visible, text, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        group.page, group.page_size = page, PAGE_SIZE
        results.groups.append(group)
    return results


def _hits(kind: Kind, visible, text: str, offset: int, limit: int) -> HitGroup:
    queryset = kind.visible(visible).fetch_mode(page_fetch_mode())
    if kind.related:
        queryset = queryset.select_related(*kind.related)
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        queryset = matching_in_postgresql(queryset, kind.fields, kind.order, text)
    else:
        queryset = matching_in_sqlite(queryset, kind.fields, kind.order, text)
    found = list(queryset.annotate(hit_count=Window(Count("pk")))[offset : offset + limit])
    hits = []
    for obj in found:
        hit = kind.hit(obj)
        if on_postgresql:
            snippet = obj.headline
        else:
            snippet = plain_headline(plain_document(kind.fields, obj), wanted_words(text))
        hit.snippet = marked_html(snippet)
        hits.append(hit)
    return HitGroup(kind, hits, found[0].hit_count if found else 0)
