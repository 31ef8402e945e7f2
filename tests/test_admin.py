"""Django admin serves every model of the project, in Swedish."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from helpers import strangnas_draft

from actionplans.models import ActionItem
from agreements.models import ProblemArea, ProblemItem, ProblemSource, Section
from followup.models import FollowUpEntry

PROJECT_APPS = ["organisations", "prevention", "agreements", "actionplans", "followup"]
PROJECT_MODELS = [model for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()]


@pytest.fixture
def admin_client(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_is_in_the_admin():
    assert [model for model in PROJECT_MODELS if not admin.site.is_registered(model)] == []


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model.__name__)
def test_change_list_add_and_change_pages_open(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    add = admin_client.get(admin_url(model, "add"))
    # Only what the product writes by itself (sent reminders, and what Publicera writes with
    # its event and cache) has no add page.
    may_add = admin.site.get_model_admin(model).has_add_permission(add.wsgi_request)
    assert add.status_code == (200 if may_add else 403)
    assert may_add or model._meta.model_name in {
        "sentreminder",
        "publication",
        "publicfeedback",
        "planadoption",  # made by Fastställ on the plan's page, never changed
        "lastsignin",  # written at each sign-in
        "invitation",  # made on the members page, with the e-mail's token
        "agreementvisit",  # recorded by the plan and follow-up pages
        "entryseen",  # made by Markera som sedd
        "attachment",  # checked and cleaned on the logging and report pages
    }
    first = model.objects.first()
    if first is not None:
        assert admin_client.get(admin_url(model, "change", first.pk)).status_code == 200


def test_the_admin_index_lists_the_agreements_in_swedish(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    for heading in ["Överenskommelser", "Handlingsplaner", "Organisationer", "Uppföljning"]:
        assert heading in page
    agreements = admin_client.get(admin_url(apps.get_model("agreements.Agreement"), "changelist"))
    assert "Samverkansöverenskommelse mellan Polismyndigheten och Strängnäs" in agreements.text


def test_follow_up_entries_can_be_added_in_the_admin_but_not_changed_or_deleted(admin_client):
    item = ActionItem.objects.filter(plan__agreement__reference="strangnas-2020").first()
    response = admin_client.post(
        admin_url(FollowUpEntry, "add"),
        {
            "item": item.pk,
            "occurred_on": "2024-05-01",
            "what_was_done": "SIG-möte",
            "status": "done",
        },
    )
    assert response.status_code == 302
    entry = FollowUpEntry.objects.get(what_was_done="SIG-möte")
    assert entry.author_name == "Administratör"
    response = admin_client.post(
        admin_url(FollowUpEntry, "change", entry.pk),
        {"item": item.pk, "occurred_on": "2024-05-01", "what_was_done": "Ändrat", "status": "done"},
    )
    assert response.status_code in (200, 403)
    response = admin_client.post(admin_url(FollowUpEntry, "delete", entry.pk), {"post": "yes"})
    assert response.status_code == 403
    assert FollowUpEntry.objects.get(pk=entry.pk).what_was_done == "SIG-möte"


def change_form_data(page) -> dict:
    """What the admin's change page would post back unchanged: its form and inline forms."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = str(value)
    return data


def post_unchanged_but(admin_client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    page = admin_client.get(url)
    return admin_client.post(url, change_form_data(page) | changes)


def test_the_text_of_a_signed_agreement_is_read_only_in_the_admin(admin_client, demo):
    signed = demo["strangnas-2020"]
    assert not signed.is_draft
    section = signed.sections.first()
    url = admin_url(Section, "change", section.pk)
    page = admin_client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = admin_client.post(url, {"agreement": signed.pk, "heading": "Ändrad", "body": "x"})
    assert response.status_code == 403
    section.refresh_from_db()
    assert section.heading != "Ändrad"

    for obj in [
        signed,
        signed.parties.first(),
        signed.signatories.first(),
        signed.focus_areas.first(),
        signed.problem_picture,
        ProblemArea.objects.filter(problem_picture__agreement=signed).first(),
        ProblemItem.objects.filter(area__problem_picture__agreement=signed).first(),
        ProblemSource.objects.filter(problem_picture__agreement=signed).first(),
    ]:
        if obj is None:
            continue
        model = type(obj)
        change = admin_client.post(admin_url(model, "change", obj.pk), {})
        delete = admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
        assert (change.status_code, delete.status_code) == (403, 403), model
        assert model.objects.filter(pk=obj.pk).exists()

    # Nor can anything new be attached to it.
    sections = signed.sections.count()
    response = admin_client.post(
        admin_url(Section, "add"),
        {"agreement": signed.pk, "heading": "Tillagd", "body": "x", "position": 99, "embed": ""},
    )
    assert response.status_code == 200
    assert "inte ett utkast" in response.text
    assert signed.sections.count() == sections

    # The changelist's bulk delete refuses too.
    response = admin_client.post(
        admin_url(Section, "changelist"),
        {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
    )
    assert Section.objects.filter(pk=section.pk).exists()


def test_a_drafts_text_and_a_signed_agreements_plans_stay_editable_in_the_admin(admin_client, demo):
    draft = strangnas_draft(demo)
    section = draft.sections.first()
    response = post_unchanged_but(admin_client, section, heading="Ändrad i admin")
    assert response.status_code == 302, response.context["adminform"].form.errors
    section.refresh_from_db()
    assert section.heading == "Ändrad i admin"

    signed = demo["strangnas-2020"]
    assert signed.plans_are_editable
    plan = signed.action_plans.first()
    response = post_unchanged_but(admin_client, plan, title="Handlingsplan, ändrad i admin")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Handlingsplan, ändrad i admin"


def test_the_lifecycle_of_an_agreement_is_not_set_in_the_admin(admin_client, demo):
    draft = strangnas_draft(demo)
    response = post_unchanged_but(admin_client, draft, status="active", title="Ny titel")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Ny titel", "draft")
