"""Time the agreement PDFs: WeasyPrint against headless Chromium's print-to-PDF.

    .venv/bin/python bench/pdf.py [--runs 3]

One run: a fresh SQLite database in a temporary folder with the demo data. For each seed
agreement, and for Härnösand's plan grown to 100, 250, 500 and 1000 rows, the print
template's HTML is rendered once; then the same HTML is turned into a PDF by WeasyPrint
(as the product does, through its static-files-only fetcher) and by Chromium (Playwright's
page.pdf() on /usr/bin/chromium, the browser started once beforehand, the page's files
read from static/ through file:// addresses). Each figure is the median of --runs
renders. Not run in CI; the figures go into docs/performance.md.
"""

import argparse
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
        os.environ.update({"DJANGO_SETTINGS_MODULE": "samverkan.settings", "DATA_DIR": folder})
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", verbosity=0)
        documents = list(seed_documents()) + list(grown_documents())
        measure(documents, args.runs, args.chromium, Path(folder))


def seed_documents():
    from agreements.document import document_queryset
    from printing.documents import agreement_html

    for agreement in document_queryset().order_by("reference"):
        rows = sum(plan.items.count() for plan in agreement.action_plans.all())
        yield agreement.reference, rows, agreement_html(agreement, draft=False)


def grown_documents():
    from actionplans.models import ActionItem
    from agreements.document import document_queryset
    from agreements.models import Agreement
    from printing.documents import agreement_html

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
        loaded = document_queryset().get(pk=agreement.pk)
        yield f"Härnösand, {size} rows", size, agreement_html(loaded, draft=False)


def measure(documents, runs, chromium, folder):
    from django.conf import settings
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from printing.engine import BASE_URL, render_pdf

    static_prefix = BASE_URL + settings.STATIC_URL
    static_dir = (ROOT / "static").as_uri() + "/"
    lines = [
        "| document | rows | pages | WeasyPrint (s) | Chromium (s) | WeasyPrint / Chromium |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        for name, rows, html in documents:
            weasy_times, pdf = [], b""
            for _ in range(runs):
                start = time.perf_counter()
                pdf = render_pdf(html)
                weasy_times.append(time.perf_counter() - start)
            pages = len(PdfReader(BytesIO(pdf)).pages)
            local = folder / "print.html"
            local.write_text(html.replace(static_prefix, static_dir), encoding="utf-8")
            chrome_times = []
            for _ in range(runs):
                start = time.perf_counter()
                page.goto(local.as_uri(), wait_until="load")
                page.pdf(prefer_css_page_size=True, print_background=True)
                chrome_times.append(time.perf_counter() - start)
            weasy, chrome = statistics.median(weasy_times), statistics.median(chrome_times)
            ratio = weasy / chrome
            lines.append(
                f"| {name} | {rows} | {pages} | {weasy:.2f} | {chrome:.2f} | {ratio:.1f}× |"
            )
            print(lines[-1], flush=True)
        browser.close()
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
