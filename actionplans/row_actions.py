"""A plan row's action buttons, as one str.format pattern per page (actionplans/table.py
builds the rest of the row the same way, docs/performance.md).

One button is in view, Redigera; the rest (Logga uppföljning, Flytta upp, Flytta ned, Ta
bort) are in a menu that is a `<details>`: it opens and closes without JavaScript, and a
screen reader announces its summary as a button that expands. After Flytta upp or Flytta
ned the moved row comes back with its menu open and the focus on the button pressed, so a
keyboard user can go on moving it. The drag handle is for the mouse and the finger only
(static/js/plan_sorting.js): hidden until the script has set the rows up, and hidden from
assistive technology, which has the buttons.
"""

from html import escape  # the standard library's: Django's wraps it for lazy strings, slower

from django.template.backends.utils import csrf_input
from django.utils.translation import gettext as _

AUTOFOCUS = " autofocus"
STAND_IN = "\x00row\x00"  # in no URL, label or token: where the row's id goes
FOCUSABLE = ("edit", "up", "down")


def braced(text: str) -> str:
    """`text` as itself in a str.format pattern."""
    return text.replace("{", "{{").replace("}", "}}")


class RowActions:
    """A row's Redigera, and its menu with Logga uppföljning / Flytta upp / Flytta ned / Ta
    bort, as HTML. Built once per page as a str.format pattern with the row's id as {0}:
    the labels translated and escaped, the URLs reversed (`urls`: a RowUrls), and the CSRF
    field the request's (never kept beyond it)."""

    def __init__(self, request, urls):
        label = {
            key: braced(escape(text))
            for key, text in (
                ("edit", _("Edit")),
                ("more", _("More")),
                ("more_long", _("More actions for the row")),
                ("drag", _("Drag to move the row")),
                ("up", _("Move up")),
                ("down", _("Move down")),
                ("delete", _("Delete")),
                ("log", _("Log follow-up")),
            )
        }
        csrf = braced(str(csrf_input(request)))
        url = urls.pattern
        self.pattern = (
            '<td class="actions-cell"><div class="row-actions" hx-boost="true">\n'
            f'    <span class="drag-handle" aria-hidden="true" title="{label["drag"]}"></span>'
            f'<form action="{url("row_edit")}"><button class="button small"'
            f"{{edit}}>{label['edit']}</button></form>\n"
            '    <details class="row-menu"{open}><summary class="button small" '
            f'title="{label["more_long"]}">{label["more"]}</summary><div class="row-menu-items">'
            f'<a href="{url("entry_create")}" class="button small log-link" '
            f'hx-boost="false">{label["log"]}</a>'
            f'<form method="post" action="{url("row_move")}" hx-target="closest section">'
            f'{csrf}<button name="direction" value="up" class="button small"'
            f'{{up}}>{label["up"]}</button><button name="direction" value="down" '
            f'class="button small"{{down}}>{label["down"]}</button></form>'
            f'<form action="{url("row_delete")}"><button class="button small '
            f'danger">{label["delete"]}</button></form></div></details>\n'
            "  </div></td>"
        )
        # Most rows have no focus: their cell is the pattern's text around the row's id, and
        # joining around it costs a fraction of formatting 500 times (docs/performance.md).
        unfocused = self.pattern.format(STAND_IN, edit="", up="", down="", open="")
        self.unfocused_parts = unfocused.split(STAND_IN)

    def cell(self, pk, focus="") -> str:
        """The actions' cell; `focus` ("edit", "up" or "down") gets the focus after a swap,
        with the menu open when the button is in it."""
        if not focus:
            return str(pk).join(self.unfocused_parts)
        focused = {button: AUTOFOCUS if focus == button else "" for button in FOCUSABLE}
        return self.pattern.format(pk, open=" open" if focus != "edit" else "", **focused)
