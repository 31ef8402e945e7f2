"""Large finished pieces of HTML put into a rendered page once, after the template.

Django's template engine joins each node list's output into a new string at every level
of nesting (a for loop, an if, a partial, a block, the base template), so a 500-row
plan's 800 KB of finished rows, printed nine levels deep, was copied about twenty times:
2 ms of the plan page's 22 (docs/performance.md). A piece handed to the template through
`Splice.piece` is printed as a short marker instead and put in its place in one join.

The markers are HTML comments with a random token of the render's own: text from users is
escaped before it reaches a page, so it can neither hold nor forge one.
"""

import re
import secrets

from django.utils.safestring import SafeString, mark_safe


class Splice:
    def __init__(self):
        self._token = secrets.token_hex(8)
        self._pieces: list[str] = []

    def piece(self, html: SafeString) -> SafeString:
        """A marker for the template to print where `html` (escaped already) goes."""
        self._pieces.append(html)
        return mark_safe(f"<!--{self._token}-{len(self._pieces) - 1}-->")  # noqa: S308

    def into(self, rendered: str) -> str:
        """The rendered page with every piece in place of its marker."""
        parts = re.split(f"<!--{self._token}-([0-9]+)-->", rendered)
        # re.split keeps the captured index: text, index, text, index, ..., text.
        parts[1::2] = [self._pieces[int(index)] for index in parts[1::2]]
        return "".join(parts)
