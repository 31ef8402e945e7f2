"""Nothing typed is lost by a click (issue 17, point 4): with changes in a form, a link,
Escape (the inline editor's Cancel) and closing the tab ask first; sending the form, or a
form typed back to what it was, asks nothing. static/js/unsaved.js, in Chromium."""

from browsing import log_in, opens
from playwright.sync_api import expect

from agreements.models import Agreement, AgreementStatus


class Dialogs:
    """The questions the page asks, answered as `answer` says (True: leave)."""

    def __init__(self, page):
        self.asked = []
        self.answer = False
        page.on("dialog", self.handle)

    def handle(self, dialog):
        self.asked.append(dialog.type)
        if self.answer:
            dialog.accept()
        else:
            dialog.dismiss()


def open_a_draft(page, site):
    log_in(page, site, "samordnare.strangnas", check=False)
    page.goto(f"{site}/overenskommelser/")
    opens(
        page,
        page.get_by_role(
            "link",
            name="Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs kommun 2020-2023",
        ),
        r"/overenskommelser/\d+/",
    )
    opens(
        page,
        page.get_by_role("button", name="Kopiera till nytt utkast"),
        r"/overenskommelser/\d+/utkast/",
    )
    page.evaluate("window.noReload = true")


def edit_first_section(page):
    page.locator("li.part-avsnitt").first.get_by_role("button", name="Redigera", exact=True).click()
    heading = page.locator("li.row-editing-block").get_by_label("Rubrik")
    expect(heading).to_be_focused()
    return heading


def test_a_link_and_escape_ask_before_typed_words_are_lost(page, site):
    open_a_draft(page, site)
    dialogs = Dialogs(page)
    heading = edit_first_section(page)
    original = heading.input_value()

    # Unchanged: Escape closes the editor without a question.
    page.keyboard.press("Escape")
    expect(page.locator("li.row-editing-block")).to_have_count(0)
    assert dialogs.asked == []

    heading = edit_first_section(page)
    heading.fill("Ett ord jag skrev")
    page.get_by_role("link", name="Översikt").click()
    assert dialogs.asked == ["confirm"]  # asked; the answer was to stay
    expect(heading).to_have_value("Ett ord jag skrev")
    assert "/utkast/" in page.url

    heading.press("Escape")  # in the field: the link had the focus
    assert dialogs.asked == ["confirm", "confirm"]
    expect(heading).to_have_value("Ett ord jag skrev")  # the editor is still open

    # Typed back to what it was: nothing to lose, no question.
    heading.fill(original)
    heading.press("Escape")
    expect(page.locator("li.row-editing-block")).to_have_count(0)
    assert dialogs.asked == ["confirm", "confirm"]
    assert page.evaluate("window.noReload") is True


def test_saving_asks_nothing_and_a_yes_leaves(page, site):
    open_a_draft(page, site)
    dialogs = Dialogs(page)
    heading = edit_first_section(page)
    heading.fill("Bakgrund och syfte")
    page.locator("li.row-editing-block").get_by_role("button", name="Spara", exact=True).click()
    saved = page.locator("li.part-avsnitt").first
    expect(saved.get_by_role("heading", name="Bakgrund och syfte")).to_be_visible()
    assert dialogs.asked == []
    draft = Agreement.objects.get(status=AgreementStatus.DRAFT, title__startswith="Kopia av")
    assert draft.sections.order_by("position").first().heading == "Bakgrund och syfte"

    heading = edit_first_section(page)
    heading.fill("Något annat")
    dialogs.answer = True
    opens(page, page.get_by_role("link", name="Översikt"), r"/")
    assert dialogs.asked == ["confirm"]
    draft.refresh_from_db()
    assert draft.sections.order_by("position").first().heading == "Bakgrund och syfte"


def test_closing_the_tab_with_changes_asks(page, site):
    open_a_draft(page, site)
    dialogs = Dialogs(page)
    heading = edit_first_section(page)
    heading.press_sequentially("x")  # typed: the page has the user's attention
    page.close(run_before_unload=True)
    expect(page.locator("body")).to_be_visible()  # dismissed: the page stays
    assert dialogs.asked == ["beforeunload"]
    expect(heading).to_have_value(heading.input_value())
