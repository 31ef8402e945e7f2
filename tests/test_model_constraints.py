"""The database refuses data the domain does not allow, whatever path it comes by."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from actionplans.models import ActionItem, ActionPlan, Responsibility
from agreements.models import Agreement, Party, RenewalRule, Section, Signatory
from followup.models import AppendOnlyError, FollowUpEntry
from organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return Organisation.objects.get_or_create(
        kommunkod="0486", defaults={"kind": OrganisationKind.MUNICIPALITY, "name": "Strängnäs"}
    )[0]


@pytest.fixture
def agreement(municipality):
    agreement = Agreement.objects.create(reference="test", title="Test")
    Party.objects.create(agreement=agreement, organisation=municipality, position=1)
    return agreement


def refused(create):
    # PostgreSQL refuses a value longer than its column with DataError, SQLite by the check.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


def test_valid_until_cannot_be_before_valid_from():
    refused(
        lambda: Agreement.objects.create(
            reference="a",
            title="A",
            valid_from=datetime.date(2023, 1, 1),
            valid_until=datetime.date(2022, 12, 31),
        )
    )
    same_day = Agreement.objects.create(
        reference="b",
        title="B",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2023, 1, 1),
    )
    assert same_day.pk


def test_model_validation_names_the_end_date_field():
    agreement = Agreement(
        reference="c",
        title="C",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "valid_until" in error.value.message_dict


def test_kommunkod_is_unique(municipality):
    refused(
        lambda: Organisation.objects.create(
            kind=OrganisationKind.MUNICIPALITY, name="Annan", kommunkod="0486"
        )
    )


@pytest.mark.parametrize("code", [None, "486", "04860", "04a6"])
def test_a_municipality_needs_a_four_digit_kommunkod(code):
    refused(
        lambda: Organisation.objects.create(
            kind=OrganisationKind.MUNICIPALITY, name="Kommun utan kod", kommunkod=code
        )
    )


def test_only_municipalities_have_a_kommunkod():
    refused(
        lambda: Organisation.objects.create(
            kind=OrganisationKind.POLICE_AREA, name="LPO", kommunkod="0486"
        )
    )


def test_extension_years_are_given_exactly_when_the_agreement_is_extendable():
    refused(
        lambda: Agreement.objects.create(
            reference="d", title="D", renewal_rule=RenewalRule.EXTENDABLE
        )
    )
    refused(
        lambda: Agreement.objects.create(
            reference="e", title="E", renewal_rule=RenewalRule.FIXED_END, extension_max_years=2
        )
    )
    extendable = Agreement.objects.create(
        reference="f", title="F", renewal_rule=RenewalRule.EXTENDABLE, extension_max_years=4
    )
    assert extendable.pk


def test_sections_have_a_unique_position_within_their_agreement(agreement):
    Section.objects.create(agreement=agreement, position=1, heading="Bakgrund")
    refused(lambda: Section.objects.create(agreement=agreement, position=1, heading="Syfte"))
    other = Agreement.objects.create(reference="other", title="Other")
    assert Section.objects.create(agreement=other, position=1, heading="Syfte").pk


def test_a_block_is_embedded_by_at_most_one_section(agreement):
    Section.objects.create(agreement=agreement, position=1, embed="signatures")
    refused(lambda: Section.objects.create(agreement=agreement, position=2, embed="signatures"))
    Section.objects.create(agreement=agreement, position=3, embed="")
    assert Section.objects.create(agreement=agreement, position=4, embed="").pk


def test_rows_have_a_unique_position_within_their_plan(agreement):
    plan = ActionPlan.objects.create(agreement=agreement, position=1, title="Plan")
    ActionItem.objects.create(plan=plan, position=1, activity="A")
    refused(lambda: ActionItem.objects.create(plan=plan, position=1, activity="B"))


def test_an_organisation_is_a_party_once_per_agreement(agreement, municipality):
    refused(
        lambda: Party.objects.create(agreement=agreement, organisation=municipality, position=2)
    )


def test_a_responsibility_names_an_organisation_or_a_unit(agreement, municipality):
    plan = ActionPlan.objects.create(agreement=agreement, position=1, title="Plan")
    item = ActionItem.objects.create(plan=plan, position=1, activity="A")
    refused(lambda: Responsibility.objects.create(item=item, position=1))
    assert Responsibility.objects.create(item=item, position=1, unit="Räddningstjänsten").pk
    assert Responsibility.objects.create(item=item, position=2, organisation=municipality).pk


def test_row_dates_cannot_end_before_they_start(agreement):
    plan = ActionPlan.objects.create(agreement=agreement, position=1, title="Plan")
    refused(
        lambda: ActionItem.objects.create(
            plan=plan,
            position=1,
            activity="A",
            starts_on=datetime.date(2024, 2, 1),
            ends_on=datetime.date(2024, 1, 1),
        )
    )


def test_a_signatory_must_sign_for_a_party_of_the_same_agreement(agreement):
    other = Agreement.objects.create(reference="other", title="Other")
    signatory = Signatory(
        agreement=other, party=agreement.parties.get(), position=1, name="Lars Ekström"
    )
    with pytest.raises(ValidationError) as error:
        signatory.full_clean()
    assert "party" in error.value.message_dict


def test_a_plan_for_a_municipality_needs_it_to_be_a_party(agreement):
    outsider = Organisation.objects.get_or_create(
        kommunkod="2262", defaults={"kind": OrganisationKind.MUNICIPALITY, "name": "Timrå"}
    )[0]
    plan = ActionPlan(agreement=agreement, position=1, title="Plan", municipality=outsider)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "municipality" in error.value.message_dict


class TestFollowUpEntriesAreAppendOnly:
    @pytest.fixture
    def entry(self, agreement):
        plan = ActionPlan.objects.create(agreement=agreement, position=1, title="Plan")
        item = ActionItem.objects.create(plan=plan, position=1, activity="Trygghetsvandring")
        return FollowUpEntry.objects.create(
            item=item,
            occurred_on=datetime.date(2024, 5, 1),
            what_was_done="Vandring i centrum",
            status="done",
        )

    def test_an_entry_cannot_be_changed(self, entry):
        entry.what_was_done = "Något annat"
        with pytest.raises(AppendOnlyError):
            entry.save()
        assert FollowUpEntry.objects.get(pk=entry.pk).what_was_done == "Vandring i centrum"

    def test_an_entry_cannot_be_deleted(self, entry):
        with pytest.raises(AppendOnlyError):
            entry.delete()
        assert FollowUpEntry.objects.filter(pk=entry.pk).exists()

    def test_entries_cannot_be_changed_or_deleted_in_bulk(self, entry):
        with pytest.raises(AppendOnlyError):
            FollowUpEntry.objects.filter(pk=entry.pk).update(what_was_done="x")
        with pytest.raises(AppendOnlyError):
            FollowUpEntry.objects.all().delete()
        assert FollowUpEntry.objects.get(pk=entry.pk).what_was_done == "Vandring i centrum"

    def test_a_correction_is_a_new_entry_pointing_at_the_old_one(self, entry):
        correction = FollowUpEntry.objects.create(
            item=entry.item,
            occurred_on=datetime.date(2024, 5, 2),
            what_was_done="Vandring i centrum och vid resecentrum",
            status="done",
            corrects=entry,
        )
        assert list(entry.corrections.all()) == [correction]
        assert FollowUpEntry.objects.filter(item=entry.item).count() == 2
