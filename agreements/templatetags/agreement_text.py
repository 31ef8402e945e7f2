"""Render an agreement's plain text: paragraphs, bulleted and numbered lists."""

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

NUMBERED = re.compile(r"^\d+\.\s+")


@register.filter
def paragraphs(text: str):
    """Blank lines separate blocks; a block of '- ' lines is a list, of '1. ' lines a
    numbered list; other lines in a block are one paragraph with line breaks kept."""
    html = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            html.append(format_html("<ul>{}</ul>", items))
        elif all(NUMBERED.match(line) for line in lines):
            items = format_html_join(
                "", "<li>{}</li>", ((NUMBERED.sub("", line),) for line in lines)
            )
            html.append(format_html("<ol>{}</ol>", items))
        else:
            # A lead-in line followed by list lines: paragraph, then the list.
            lead = [line for line in lines if not line.startswith("- ")]
            rest = [line for line in lines if line.startswith("- ")]
            html.append(
                format_html(
                    "<p>{}</p>",
                    format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lead)),
                )
            )
            if rest:
                items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in rest))
                html.append(format_html("<ul>{}</ul>", items))
    return mark_safe("".join(html))  # noqa: S308 (every part above is escaped by format_html)
