"""An agreement cannot get stuck awaiting signature: Ångra klar för underskrift takes the
version back to draft with a reason; the period and renewal rule cannot change under a
version that awaits signature (Förläng, Säg upp, forms and admin); and every state change is
one conditional update, so that of two at once exactly one wins and the other is told."""

import datetime

import pytest
from django.urls import reverse
from helpers import complete_for_signing, make_ready, strangnas_draft

from agreements.models import Agreement, AgreementStatus, RenewalRule
from signing import lifecycle, readiness
from signing.models import AgreementVersion, EventKind

EDITOR = "samordnare.strangnas"


@pytest.fixture
def ready(demo, user):
    version = make_ready(strangnas_draft(demo), user(EDITOR))
    version.refresh_from_db()
    return version


def test_undo_ready_for_signature_takes_the_version_back_to_draft_with_the_reason(
    client, user, ready
):
    agreement = ready.agreement
    client.force_login(user(EDITOR))
    page = client.get(reverse("version_detail", args=[agreement.pk, 1])).text
    assert "Ångra klar för underskrift" in page
    url = reverse("undo_ready", args=[agreement.pk, 1])
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400 and "Detta fält måste fyllas i" in missing.text
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.READY
    response = client.post(url, {"reason": "Fel datum i avsnitt 3"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT and agreement.version == 2
    event = agreement.events.get(kind=EventKind.WITHDRAWN)
    assert event.note == "Fel datum i avsnitt 3" and event.version == 1
    assert event.recorded_by.username == EDITOR
    # Version 1 stays as frozen, says why it was taken back and can no longer be signed.
    version = AgreementVersion.objects.get(pk=ready.pk)
    assert version.pdf and version.snapshot == ready.snapshot
    page = client.get(reverse("version_detail", args=[agreement.pk, 1])).text
    assert "Fel datum i avsnitt 3" in page and "Tillbaka till utkast" in page
    assert "Registrera underskrift" not in page and "Ångra klar" not in page
    history = client.get(reverse("validity", args=[agreement.pk])).text
    assert "Tillbaka till utkast" in history and "Fel datum i avsnitt 3" in history
    # The draft can be changed and frozen again, as version 2.
    again = make_ready(agreement, user(EDITOR))
    assert again.number == 2


def test_undo_is_for_editors_only(client, user, personas, ready):
    client.force_login(personas.reader)
    url = reverse("undo_ready", args=[ready.agreement_id, 1])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(user("samordnare.sandviken"))
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.get(url).status_code in (404, 405)


def test_undo_of_a_version_not_awaiting_signature_is_refused_in_words(client, user, ready):
    agreement = ready.agreement
    lifecycle.undo_ready(agreement, 1, user(EDITOR), "Först")
    client.force_login(user(EDITOR))
    url = reverse("undo_ready", args=[agreement.pk, 1])
    response = client.post(url, {"reason": "Igen"}, follow=True)
    assert "Ingen version av överenskommelsen väntar på underskrift" in response.text
    assert agreement.events.filter(kind=EventKind.WITHDRAWN).count() == 1


def test_a_version_taken_back_before_its_pdf_was_made_is_not_rendered(demo, user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    version = make_ready(strangnas_draft(demo), user(EDITOR))
    lifecycle.undo_ready(version.agreement, 1, user(EDITOR), "Fel")
    from signing.tasks import render_version_pdf

    render_version_pdf.call(version.pk)
    version.refresh_from_db()
    assert not version.pdf and not version.pdf_error


@pytest.fixture
def revision_ready(demo, user):
    """Sollentuna's signed agreement with version 2 awaiting signature."""
    agreement = demo["sollentuna-2023"]
    lifecycle.revise(agreement, user("samordnare.sollentuna"))
    version = make_ready(agreement, user("samordnare.sollentuna"))
    version.refresh_from_db()
    return version


def test_forlang_is_refused_while_a_version_awaits_signature(client, user, revision_ready):
    agreement = revision_ready.agreement
    client.force_login(user("samordnare.sollentuna"))
    url = reverse("validity", args=[agreement.pk])
    page = client.get(url).text
    assert "väntar på underskrift" in page
    response = client.post(url, {"action": "extend", "forlang-new_end": "2028-12-31"})
    assert response.status_code == 200
    refusal = "Version 2 väntar på underskrift med den nuvarande perioden: registrera"
    assert refusal in response.text  # next to the date field
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2026, 12, 31)
    terminate = client.post(
        url, {"action": "terminate", "upp-last_day": "2026-12-15", "upp-note": "Slut"}
    )
    assert refusal in terminate.text
    agreement.refresh_from_db()
    assert agreement.terminated_on is None and agreement.status == AgreementStatus.READY
    # The frozen version is still what the agreement says: it renders and can be signed.
    assert revision_ready.pdf and revision_ready.pdf_error == ""


def test_the_renewal_rule_cannot_change_under_a_version_awaiting_signature(
    client, personas, revision_ready
):
    agreement = Agreement.objects.get(pk=revision_ready.agreement_id)
    agreement.renewal_rule = RenewalRule.CALENDAR_YEAR
    agreement.extension_max_years = None
    with pytest.raises(Exception, match="väntar på underskrift") as refused:
        agreement.full_clean()
    assert set(refused.value.message_dict) == {"renewal_rule", "extension_max_years"}
    client.force_login(personas.admin)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    form = client.get(url).context["adminform"].form
    data = {
        key: ("" if value is None else value)
        for key, value in form.initial.items()
        if not isinstance(value, list)
    }
    data.update(renewal_rule="calendar_year", extension_max_years="")
    for prefix in ("parties", "sections", "signatories", "focus_areas"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    agreement.refresh_from_db()
    assert agreement.renewal_rule == RenewalRule.EXTENDABLE
    # The admin does not change an agreement that is no longer a draft at all.
    assert response.status_code == 403


def test_of_two_identical_steps_at_once_exactly_one_wins(demo, user, monkeypatch):
    """The other request read the agreement in the same state, then lost the race: its
    conditional update finds nothing and it is told, and nothing is written twice."""
    draft = strangnas_draft(demo)
    complete_for_signing(draft)
    seen = {w.code for w in readiness.warnings(readiness.check_before_signing(draft))}
    real_step = lifecycle._step
    raced = []

    def the_other_request_commits_first(agreement, allowed, refusal, **changes):
        if not raced:
            raced.append(True)
            # lands between check and update
            lifecycle.make_ready(agreement, user(EDITOR), seen_warnings=seen)
            try:
                return real_step(agreement, allowed, refusal, **changes)
            finally:
                # (Here the winner's writes share the loser's transaction, so look now.)
                raced.append(AgreementVersion.objects.filter(agreement=draft).count())
                raced.append(draft.events.filter(kind=EventKind.FROZEN).count())
        return real_step(agreement, allowed, refusal, **changes)

    monkeypatch.setattr(lifecycle, "_step", the_other_request_commits_first)
    with pytest.raises(lifecycle.LifecycleError, match="Någon annan ändrade just"):
        lifecycle.make_ready(draft, user(EDITOR), seen_warnings=seen)
    assert raced == [True, 1, 1]  # one version, one event: the winner's


@pytest.mark.parametrize("step", ["revise", "extend", "terminate", "undo_ready"])
def test_every_lifecycle_step_is_a_conditional_update(demo, user, monkeypatch, step):
    agreement = demo["sollentuna-2023"]
    editor = user("samordnare.sollentuna")
    if step == "undo_ready":
        lifecycle.revise(agreement, editor)
        make_ready(agreement, editor)
    calls = {
        "revise": lambda: lifecycle.revise(agreement, editor),
        "extend": lambda: lifecycle.extend(agreement, datetime.date(2027, 12, 31), editor),
        "terminate": lambda: lifecycle.terminate(agreement, datetime.date(2026, 12, 20), editor),
        "undo_ready": lambda: lifecycle.undo_ready(agreement, 2, editor, "Fel"),
    }
    real_step = lifecycle._step
    raced = []

    def racing(target, allowed, refusal, **changes):
        raced.append(True)
        monkeypatch.setattr(lifecycle, "_step", real_step)
        calls[step]()  # the same step by someone else, first
        try:
            return real_step(target, allowed, refusal, **changes)
        finally:
            raced.append(agreement.events.count())

    before = agreement.events.count()
    monkeypatch.setattr(lifecycle, "_step", racing)
    with pytest.raises(lifecycle.LifecycleError, match="Någon annan ändrade just"):
        calls[step]()
    assert raced == [True, before + 1]  # only the winner's event


# The version page waits for its PDF, but not for ever: Försök igen when it failed or is late.


@pytest.fixture
def queued(demo, user, settings):
    """A version frozen while the worker is down: its render waits in the database queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return make_ready(strangnas_draft(demo), user(EDITOR))


def queued_renders(version) -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path="signing.tasks.render_version_pdf", args_kwargs__args=[version.pk]
    ).count()


def test_a_version_whose_pdf_is_late_stops_waiting_and_offers_try_again(client, user, queued):
    client.force_login(user(EDITOR))
    url = reverse("version_detail", args=[queued.agreement_id, queued.number])
    page = client.get(url).text
    assert 'hx-trigger="every 2s"' in page and "Försök igen" not in page
    # Ten minutes later the worker has still not made it.
    AgreementVersion._base_manager.filter(pk=queued.pk).update(
        frozen_at=queued.frozen_at - datetime.timedelta(minutes=10)
    )
    page = client.get(url).text
    assert 'hx-trigger="every 2s"' not in page
    assert "tar mycket längre tid än det borde" in page and "Försök igen" in page
    retry = reverse("version_pdf_retry", args=[queued.agreement_id, queued.number])
    assert client.post(retry).url == url
    assert client.post(retry).url == url  # a second click queues nothing more
    assert queued_renders(queued) == 2  # the first, still waiting, and the one asked again
    # Asked again just now: the page waits again.
    assert 'hx-trigger="every 2s"' in client.get(url).text
    # A reader is told, but the button is the editors'.
    client.force_login(user("lasare.strangnas"))
    AgreementVersion._base_manager.filter(pk=queued.pk).update(pdf_error="Borta")
    page = client.get(url).text
    assert "kunde inte göras" in page and "version_pdf_retry" not in page and retry not in page
    assert client.post(retry).status_code == 403


def test_a_failed_version_pdf_is_made_when_asked_again(client, user, ready, settings):
    AgreementVersion._base_manager.filter(pk=ready.pk).update(
        pdf="", pdf_sha256="", pdf_error="Databasen borta"
    )
    client.force_login(user(EDITOR))
    url = reverse("version_detail", args=[ready.agreement_id, ready.number])
    assert "kunde inte göras" in client.get(url).text
    client.post(reverse("version_pdf_retry", args=[ready.agreement_id, ready.number]))
    ready.refresh_from_db()
    assert ready.pdf and not ready.pdf_error  # rendered at once here (tasks run at once)
    assert "Skriv ut för underskrift (PDF)" in client.get(url).text


def test_try_again_is_refused_while_the_pdf_is_on_its_way(client, user, queued):
    client.force_login(user(EDITOR))
    client.post(reverse("version_pdf_retry", args=[queued.agreement_id, queued.number]))
    assert queued_renders(queued) == 1
