"""Helpers for tests that need the database without the demo's follow-up entries."""


def remove_follow_up_entries():
    """Entries refuse to be deleted (they are official records); a test that needs rows
    without them, as on a new installation, removes them below the model."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM followup_followupentry_participants")
        cursor.execute("UPDATE followup_followupentry SET corrects_id = NULL")
        cursor.execute("DELETE FROM followup_followupentry")
