"""Every page a coordinator reaches, at 390 pixels: none is wider than the screen, a
table wider than the screen scrolls inside a labelled region (role="region", an
aria-label and tabindex="0", so that a keyboard and a screen reader reach it too), and
axe-core finds nothing serious on any of them (once per page, at this width only).

The pages are every named URL that answers GET (tests/test_access_matrix.py's walk, with
its arguments naming objects of Strängnäs' agreement, made a draft so that the editing
pages open), the law and account pages the same coordinator opens (a page answered 403,
an organisation administrator's, is passed over), and Historik filtered. Files (PDF,
Excel, calendar) are not pages and are left out."""

import re

from browsing import log_in, serious_violations
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from test_access_matrix import (
    ACCOUNT_URLS,
    CITIZEN_URLS,
    ORGANISATION_URLS,
    PATTERNS,
    POST_ONLY,
    SIGN_IN_URLS,
    TOKEN_URLS,
    url_kwargs,
)

from agreements.models import Agreement, AgreementStatus

PHONE = 390
ARGUMENT = re.compile(r"<((?:int|slug|str):\w+)>")
# Not pages: files, answers to machines, and pages reached only with a token in a mail.
NOT_PAGES = {
    "report_pdf",
    "print_job_pdf",
    "version_pdf",
    "version_scan",
    "plan_xlsx",
    "healthz",
    "logout",
    "citizen_feed",
    "citizen_signed_pdf",
    "situation_report_document",
    "attachment_download",
    "password_reset_confirm",
    "citizen_confirm",
    "citizen_unsubscribe",
    # Two-factor sign-in's buttons (turn off, new recovery codes): they answer POST only.
    "second_factor_off",
    "second_factor_new_codes",
}

MEASURE = """() => {
  const width = document.documentElement.scrollWidth;
  const screen = document.documentElement.clientWidth;
  const unlabelled = [];
  for (const table of document.querySelectorAll("table")) {
    if (table.closest("[hidden], details:not([open])")) continue;
    if (table.scrollWidth <= screen) continue;
    const region = table.closest('[role="region"][aria-label][tabindex="0"]');
    if (!region) unlabelled.push(table.className || table.id || "table");
  }
  return {width, unlabelled};
}"""


def walked_urls(agreement):
    walked = [
        (name, route)
        for name, route in PATTERNS
        # The sign-in pages through a provider are for those not signed in yet.
        if name not in NOT_PAGES | POST_ONLY | TOKEN_URLS | SIGN_IN_URLS
        # An organisation's users are its administrator's; the rest come by mail.
        and not (name in ORGANISATION_URLS | ACCOUNT_URLS | CITIZEN_URLS and "<" in route)
    ]
    # Each object made once (a signed version, a print), for all the routes that name it.
    every_argument = "/".join(sorted({f"<{a}>" for _n, r in walked for a in ARGUMENT.findall(r)}))
    objects = url_kwargs(every_argument, agreement)
    urls = []
    for name, route in walked:
        names = [argument.split(":")[-1] for argument in ARGUMENT.findall(route)]
        urls.append((name, reverse(name, kwargs={n: objects[n] for n in names})))
    urls += [
        ("history_filtered", reverse("agreement_history", args=[agreement.pk]) + "?typ=~"),
    ]
    return urls


def test_no_page_is_wider_than_a_phone(page, site):
    agreement = Agreement.objects.get(reference="strangnas-2020")
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.DRAFT)
    urls = walked_urls(agreement)
    assert len(urls) > 40
    page.set_viewport_size({"width": PHONE, "height": 844})
    log_in(page, site, "samordnare.strangnas", check=False)
    too_wide, inaccessible = [], []
    for name, url in urls:
        try:
            response = page.goto(site + url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file, sent as an attachment
            raise
        if response.status == 403:
            continue  # not the coordinator's (an organisation administrator's page)
        assert response.status < 400, (name, response.status)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        measured = page.evaluate(MEASURE)
        if measured["width"] > PHONE or measured["unlabelled"]:
            too_wide.append((name, measured["width"], measured["unlabelled"]))
        inaccessible += [f"{name}: {violation}" for violation in serious_violations(page)]
    assert too_wide == [], "\n".join(map(str, too_wide))
    assert inaccessible == [], "\n".join(inaccessible)


def test_the_walk_knows_every_page():
    names = {name for name, _route in PATTERNS}
    assert {"overview", "agreement_list", "report_detail", "version_detail"} <= names
    assert names >= NOT_PAGES


def test_the_main_menu_fits_one_line_on_a_phone(page, site):
    """Översikt, Mina uppgifter and Överenskommelser side by side at 390 pixels, none
    broken over two lines (Mina uppgifter was)."""
    page.set_viewport_size({"width": PHONE, "height": 844})
    log_in(page, site, "kommunpolis.strangnas", check=False)
    links = page.evaluate(
        "[...document.querySelectorAll('.nav a')].map(a => "
        "({lines: a.getClientRects().length, top: a.getBoundingClientRect().top}))"
    )
    assert len(links) == 3
    assert [link["lines"] for link in links] == [1, 1, 1]
    assert len({round(link["top"]) for link in links}) == 1
