"""An import leaves a field the document leaves out to the model's own default, so that the
defaults are written once, in the models, and the importer follows when one changes."""

import pytest

from actionplans.models import ActionItem, ActionPlan
from agreements.models import Agreement, Party
from exchange.importer import import_document
from followup.models import FollowUpReport, Indicator

MINIMAL = {
    "format_version": 1,
    "agreements": [
        {
            "reference": "defaults-test",
            "title": "Only what the format requires",
            "parties": [
                {
                    "organisation": {
                        "kind": "municipality",
                        "name": "Strängnäs kommun",
                        "kommunkod": "0486",
                    }
                }
            ],
            "action_plans": [{"title": "Plan", "items": [{"activity": "Walk"}]}],
            "indicators": [{"name": "Reports"}],
            "follow_up_reports": [
                {"title": "Report", "period_start": "2024-01-01", "period_end": "2024-12-31"}
            ],
        }
    ],
}

LEFT_OUT = {
    Agreement: ["status", "version", "cycle_step", "renewal_rule", "subtitle", "valid_from"],
    Party: ["role", "label"],
    ActionPlan: ["layout", "introduction", "starts_on"],
    ActionItem: ["status", "continues_goal_above", "is_citizen_promise", "goal", "due_on"],
    Indicator: ["direction", "unit", "baseline"],
    FollowUpReport: ["status", "snapshot", "finalised_on"],
}


def imported(model, agreement):
    related = {
        Agreement: Agreement.objects.filter(pk=agreement.pk),
        Party: agreement.parties.all(),
        ActionPlan: agreement.action_plans.all(),
        ActionItem: ActionItem.objects.filter(plan__agreement=agreement),
        Indicator: agreement.indicators.all(),
        FollowUpReport: agreement.follow_up_reports.all(),
    }
    return related[model].get()


@pytest.mark.parametrize("model", LEFT_OUT, ids=lambda model: model.__name__)
def test_a_field_left_out_gets_the_models_default(demo, model):
    (agreement,) = import_document(MINIMAL)
    instance = imported(model, agreement)
    for name in LEFT_OUT[model]:
        assert getattr(instance, name) == model._meta.get_field(name).get_default(), name


@pytest.mark.parametrize(
    ("model", "name", "other"),
    [
        (Agreement, "renewal_rule", "until_further_notice"),
        (Party, "role", "convener"),
        (ActionItem, "status", "in_progress"),
        (Indicator, "direction", "maintain"),
    ],
)
def test_the_importer_follows_a_changed_model_default(demo, monkeypatch, model, name, other):
    monkeypatch.setattr(model._meta.get_field(name), "default", other)
    (agreement,) = import_document(MINIMAL)
    assert getattr(imported(model, agreement), name) == other
