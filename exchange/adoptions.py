"""A plan's adopted versions (actionplans.PlanAdoption) in the JSON format: each row as
adopted names its row by place in the document ('plan.row'), never by database id; the
import (building/plans.py) turns the places back into the imported rows."""

from actionplans.models import ActionPlan


def _iso(value):
    """A date, or a date and time, as the format writes it."""
    return value.isoformat() if value else None


def exported_adoptions(plan: ActionPlan, item_keys: dict) -> dict:
    """The plan's adopted versions, each row as adopted pointing at its row in this document
    ('plan.row') instead of a database id; null for a row since removed."""
    adoptions = [
        {
            "number": adoption.number,
            "adopted_on": _iso(adoption.adopted_on),
            "body": adoption.body,
            "reference_number": adoption.reference_number,
            "recorded_at": _iso(adoption.created_at),
            "plan": adoption.snapshot.get("plan", {}),
            "rows": [
                {"item": item_keys.get(row.get("id")), **_without(row, "id")}
                for row in adoption.snapshot.get("rows", [])
            ],
        }
        for adoption in plan.adoptions.all()
    ]
    return {"adoptions": adoptions} if adoptions else {}


def _without(data: dict, *names) -> dict:
    return {key: value for key, value in data.items() if key not in names}
