"""Prints made ahead (printing.ahead) and the engine's fonts and stylesheet made once per
thread (printing.engine.PrintStyle)."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from helpers import strangnas_draft
from test_printing import assert_print_style

from printing import documents, engine
from printing.models import PrintAhead, PrintJob, PrintJobStatus
from printing.tasks import make_prints_ahead
from signing.models import AgreementVersion

EDITOR = "samordnare.strangnas"


@pytest.fixture
def draft(demo):
    return strangnas_draft(demo)


@pytest.fixture
def prints_ahead(settings):
    settings.PRINT_AHEAD = True


def change_a_row(plan, activity, on_commit):
    """Save a row as the plan page does (a conditional UPDATE), and commit."""
    item = plan.items.order_by("position").first()
    item.activity = activity
    with on_commit(execute=True):
        item.save_if_unchanged(item.version, ["activity"])


def test_a_changed_row_has_its_plan_printed_ahead_and_skriv_ut_serves_that_file(
    client, user, draft, prints_ahead, renders, django_capture_on_commit_callbacks
):
    plan = draft.action_plans.get()
    change_a_row(plan, "Färre inbrott i Mariefred", django_capture_on_commit_callbacks)

    # The worker (run at once in tests) made the agreement's print and the plan's PDF.
    asked = documents.plan_request(draft, plan)
    job = PrintJob.objects.get(agreement=draft, content_hash=asked.content_hash)
    assert job.is_ready and job.document == f"plan-{plan.pk}" and job.requested_by is None
    assert "Färre inbrott i Mariefred" in renders[-1]
    whole = documents.agreement_request(draft)
    assert PrintJob.objects.get(agreement=draft, content_hash=whole.content_hash).is_ready
    assert len(renders) == 2 and not PrintAhead.objects.exists()

    client.force_login(user(EDITOR))
    url = reverse("plan_print", args=[draft.pk, plan.pk])
    served = reverse("print_job_pdf", args=[draft.pk, job.pk])
    assert client.post(url).url == served
    assert client.get(url).url == served
    assert len(renders) == 2 and PrintJob.objects.filter(agreement=draft).count() == 2
    assert_print_style(b"".join(client.get(served).streaming_content))


def test_a_burst_of_changes_gives_one_render_after_its_end(
    draft, prints_ahead, settings, renders, django_capture_on_commit_callbacks
):
    """With the real queue: the first change queues one task for later, the next ones
    only move the mark; the task run before the burst's end waits again."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = draft.action_plans.get()
    for number in range(5):
        change_a_row(plan, f"Mål {number}", django_capture_on_commit_callbacks)
    (queued,) = DBTaskResult.objects.filter(task_path=make_prints_ahead.module_path)
    mark = PrintAhead.objects.get(agreement=draft)
    assert mark.first_changed_at < mark.last_changed_at
    assert queued.run_after == mark.first_changed_at + settings.PRINT_AHEAD_DELAY

    make_prints_ahead.call(draft.pk)  # too early: queued again for the burst's end
    assert renders == [] and PrintAhead.objects.filter(agreement=draft).exists()
    later = DBTaskResult.objects.filter(task_path=make_prints_ahead.module_path)
    assert later.order_by("-enqueued_at").first().run_after == mark.due_at

    PrintAhead.objects.filter(agreement=draft).update(
        last_changed_at=timezone.now() - settings.PRINT_AHEAD_DELAY
    )
    make_prints_ahead.call(draft.pk)
    assert len(renders) == 2 and "Mål 4" in renders[-1]
    assert not PrintAhead.objects.exists()
    make_prints_ahead.call(draft.pk)  # the other queued task: nothing left to do
    assert len(renders) == 2


def test_a_long_burst_is_printed_after_the_longest_wait(draft, prints_ahead, settings):
    now = timezone.now()
    mark = PrintAhead(
        agreement=draft,
        first_changed_at=now - settings.PRINT_AHEAD_MAX_WAIT,
        last_changed_at=now,
    )
    assert mark.due_at == now - settings.PRINT_AHEAD_MAX_WAIT + settings.PRINT_AHEAD_MAX_WAIT


def test_nothing_is_printed_ahead_while_nothing_changes_or_when_turned_off(
    draft, settings, renders, django_capture_on_commit_callbacks
):
    plan = draft.action_plans.get()
    change_a_row(plan, "Avstängt", django_capture_on_commit_callbacks)  # PRINT_AHEAD off
    assert renders == [] and not PrintAhead.objects.exists()
    settings.PRINT_AHEAD = True
    change_a_row(plan, "Påslaget", django_capture_on_commit_callbacks)
    assert len(renders) == 2
    # The same content again (saved back and forth) is not rendered again.
    change_a_row(plan, "Avstängt", django_capture_on_commit_callbacks)
    change_a_row(plan, "Påslaget", django_capture_on_commit_callbacks)
    assert len(renders) == 4  # "Avstängt" was never printed; "Påslaget" is served as made


def test_a_signed_agreements_frozen_version_is_not_printed_again(
    demo, prints_ahead, renders, django_capture_on_commit_callbacks
):
    """Skriv ut serves a signed version's stored PDF: only the plans are made ahead."""
    signed = demo["strangnas-2020"]
    AgreementVersion.objects.create(agreement=signed, number=signed.version, snapshot={})
    plan = signed.action_plans.order_by("position").first()
    change_a_row(plan, "Tryggare centrum", django_capture_on_commit_callbacks)
    documents_made = set(
        PrintJob.objects.filter(agreement=signed).values_list("document", flat=True)
    )
    assert documents_made == {f"plan-{p.pk}" for p in signed.action_plans.all()}


def test_without_a_worker_skriv_ut_still_renders_on_demand(
    client, user, draft, prints_ahead, settings, renders, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = draft.action_plans.get()
    change_a_row(plan, "Ingen arbetare", django_capture_on_commit_callbacks)
    assert PrintAhead.objects.filter(agreement=draft).exists() and renders == []
    client.force_login(user(EDITOR))
    response = client.post(reverse("plan_print", args=[draft.pk, plan.pk]))
    job = PrintJob.objects.get(agreement=draft)
    assert job.is_ready and response.url == reverse("print_job_pdf", args=[draft.pk, job.pk])
    assert len(renders) == 1


def test_prune_keeps_the_newest_ready_file_of_each_document(client, user, draft, settings):
    client.force_login(user(EDITOR))
    plan = draft.action_plans.get()
    url = reverse("plan_print", args=[draft.pk, plan.pk])
    client.post(url)
    item = plan.items.order_by("position").first()
    item.activity = "Ny aktivitet"
    item.save()
    client.post(url)
    _old, newest = PrintJob.objects.filter(agreement=draft).order_by("pk")
    failed = PrintJob.objects.create(
        agreement=draft, content_hash="f" * 64, filename="x.pdf", document=f"plan-{plan.pk}"
    )
    PrintJob.objects.filter(pk=failed.pk).update(status=PrintJobStatus.FAILED)
    long_ago = timezone.now() - settings.PRINT_JOB_KEEP - datetime.timedelta(days=3)
    PrintJob.objects.update(requested_at=long_ago)
    out = StringIO()
    call_command("prune_print_jobs", stdout=out)
    assert out.getvalue() == "2 utskrifter togs bort.\n"
    assert list(PrintJob.objects.filter(agreement=draft)) == [newest]


# The engine's fonts and stylesheet.


def test_the_fonts_and_stylesheet_are_made_once_per_thread_and_reused(draft):
    html = documents.living_agreement_html(draft)
    engine.render_pdf(html)
    style = engine.PrintStyle.current()
    fonts, stylesheet = style.fonts, style.stylesheet
    second = engine.render_pdf(html)
    assert engine.PrintStyle.current() is style
    assert (style.fonts, style.stylesheet) == (fonts, stylesheet)
    assert_print_style(second)  # the shipped fonts embedded, Sida X av Y on every page

    other = []
    thread = threading.Thread(target=lambda: other.append(engine.PrintStyle.current()))
    thread.start()
    thread.join()
    assert other[0] is not style


def test_under_production_storage_the_hashed_stylesheet_gets_its_own_style(
    production_storage, draft
):
    html = documents.living_agreement_html(draft)
    content = engine.render_pdf(html)
    style = engine.PrintStyle.current()
    assert style.link() in html and ".css" in style.url and "print.css" not in style.url
    assert_print_style(content)


def test_the_task_backends_are_real(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert task_backends["default"].supports_defer


def test_a_change_anywhere_in_the_printed_agreement_marks_it(
    demo, prints_ahead, settings, django_capture_on_commit_callbacks
):
    """Texts, the problem picture, a row's responsibilities: each is on the paper."""
    from actionplans.models import Responsibility
    from agreements.models import ProblemItem, Section

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    changed = [
        (Section.objects.first(), "agreement_id"),
        (ProblemItem.objects.first(), "area__problem_picture__agreement_id"),
        (Responsibility.objects.first(), "item__plan__agreement_id"),
    ]
    for instance, path in changed:
        agreement_id = type(instance).objects.filter(pk=instance.pk).values_list(path).get()[0]
        PrintAhead.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            instance.save()
        assert PrintAhead.objects.filter(agreement_id=agreement_id).exists(), instance
