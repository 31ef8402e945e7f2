"""Reading a form out of a page as a browser would post it (for the load scripts)."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields a browser would post from the first form on the page."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select, self._in_form = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_fields(html: str) -> dict:
    parser = FormFields()
    parser.feed(html)
    return parser.fields
