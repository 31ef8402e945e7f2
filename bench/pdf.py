"""Time the agreement PDFs: WeasyPrint cold and warm, headless Chromium's print-to-PDF, and
the time from a click on Skriv ut to the file, on demand and with the print made ahead.

    .venv/bin/python bench/pdf.py [--runs 3]

One run: a fresh SQLite database in a temporary folder with the demo data. For each seed
agreement, and for Härnösand's plan grown to 100, 250, 500 and 1000 rows, the print of the
agreement as it stands (documents.agreement_request, what Skriv ut prints) is rendered:

- WeasyPrint cold: as before fonts and stylesheet were kept, each render loading them
  (engine.PrintStyle made anew);
- WeasyPrint warm: with this thread's fonts and parsed stylesheet, as the worker renders;
- Chromium: Playwright's page.pdf() on /usr/bin/chromium, the browser started once
  beforehand, the page's files read from static/ through file:// addresses;
- click, on demand: Skriv ut's POST and the GET of the file when nothing is ready (tasks
  run at once, so the render is part of it; the progress page's polling is not);
- click, made ahead: the same when printing.ahead has made the file after the last change.

Each figure is the median of --runs. Not run in CI; the figures go into docs/performance.md.
"""

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [100, 250, 500, 1000]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="renders per figure (median)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the browser")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samverkan-pdf-bench-") as folder:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "samverkan.settings",
                "DATA_DIR": folder,
                "PRINT_AHEAD": "0",
                # Playwright's sync API runs an event loop in this thread; Django's queries
                # here are still plain synchronous ones.
                "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            }
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", verbosity=0)
        # One after the other: the grown plan changes between documents.
        documents = itertools.chain(seed_documents(), grown_documents())
        measure(documents, args.runs, args.chromium, Path(folder))


def seed_documents():
    from agreements.models import Agreement

    for agreement in Agreement.objects.order_by("reference"):
        rows = sum(plan.items.count() for plan in agreement.action_plans.all())
        yield agreement.reference, rows, agreement


def grown_documents():
    from actionplans.models import ActionItem
    from agreements.models import Agreement

    agreement = Agreement.objects.get(reference="harnosand-2012")
    plan = agreement.action_plans.get()
    areas = list(agreement.focus_areas.all())
    for size in SIZES:
        plan.items.all().delete()
        ActionItem.objects.bulk_create(
            ActionItem(
                plan=plan,
                position=n,
                focus_area=areas[n % len(areas)],
                goal=f"Mål {n}: minskad otrygghet i centrum",
                activity="Samverkan mellan kommun och polis kring trygghetsvandringar "
                * (1 + n % 3),
                when_text="Under hösten 2012",
                responsible_text="Polis och kommun",
            )
            for n in range(1, size + 1)
        )
        yield f"Härnösand, {size} rows", size, agreement


def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def clicked(client, url):
    """Skriv ut: the POST, then the GET of the file it leads to (its bytes read); for a
    long document rendered by the worker (here at once), by way of the progress page."""
    from django.urls import resolve, reverse

    response = client.post(url)
    assert response.status_code == 302, response.status_code
    page = resolve(response.url)
    if page.url_name == "print_job":  # a long one: the progress page, then Öppna PDF:en
        assert client.get(response.url).status_code == 200
        pdf = client.get(reverse("print_job_pdf", kwargs=page.kwargs))
    else:
        pdf = client.get(response.url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", response.url
    return b"".join(pdf.streaming_content)


def measure(documents, runs, chromium, folder):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.urls import reverse
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from printing import ahead
    from printing import documents as printed
    from printing.engine import BASE_URL, PrintStyle, render_pdf
    from printing.models import PrintJob

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Made ahead below, by hand, after each document's change.
    override_settings(TASKS=immediate, PRINT_AHEAD=False).enable()
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="admin"))

    def cold(html):
        PrintStyle._local.style = None
        return render_pdf(html)

    static_prefix = BASE_URL + settings.STATIC_URL
    static_dir = (ROOT / "static").as_uri() + "/"
    header = (
        "| document | rows | pages | WeasyPrint cold (s) | WeasyPrint warm (s) | Chromium (s) "
        "| click, on demand (s) | click, made ahead (s) | cold / Chromium | warm / Chromium "
        "| made ahead / Chromium |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        for name, rows, agreement in documents:
            html = printed.agreement_request(agreement).html
            weasy_cold, pdf = timed(lambda html=html: cold(html), runs)
            weasy_warm, _ = timed(lambda html=html: render_pdf(html), runs)
            pages = len(PdfReader(BytesIO(pdf)).pages)
            local = folder / "print.html"
            local.write_text(html.replace(static_prefix, static_dir), encoding="utf-8")

            def chrome(local=local):
                page.goto(local.as_uri(), wait_until="load")
                return page.pdf(prefer_css_page_size=True, print_background=True)

            chromium_time, _ = timed(chrome, runs)
            url = reverse("agreement_print", args=[agreement.pk])
            jobs = PrintJob.objects.filter(agreement=agreement)

            def on_demand(jobs=jobs, url=url):
                jobs.delete()
                return clicked(client, url)

            demand, _ = timed(on_demand, runs)
            jobs.delete()
            ahead.make_prints(agreement.pk)  # what the worker does after the last change
            ready, _ = timed(lambda url=url: clicked(client, url), runs)
            lines.append(
                f"| {name} | {rows} | {pages} | {weasy_cold:.2f} | {weasy_warm:.2f} "
                f"| {chromium_time:.2f} | {demand:.2f} | {ready:.3f} "
                f"| {weasy_cold / chromium_time:.1f}× | {weasy_warm / chromium_time:.1f}× "
                f"| {ready / chromium_time:.2f}× |"
            )
            print(lines[-1], flush=True)
        browser.close()
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
