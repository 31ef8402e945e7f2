"""Django admin serves every model of the project, in Swedish."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from actionplans.models import ActionItem
from followup.models import FollowUpEntry

PROJECT_APPS = ["organisations", "agreements", "actionplans", "followup"]
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
    # Only what the product writes by itself (sent reminders) has no add page.
    may_add = admin.site.get_model_admin(model).has_add_permission(add.wsgi_request)
    assert add.status_code == (200 if may_add else 403)
    assert may_add or model._meta.model_name == "sentreminder"
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
