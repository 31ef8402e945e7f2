"""On PostgreSQL, history records and their seals can be added, never changed or deleted:
a trigger refuses UPDATE and DELETE on every simple-history table (`audit_historical*`)
and on the seals. The one change allowed is Django emptying `history_user_id` when a user
account is deleted (the record keeps the name). TRUNCATE, which only the test runner's
flush uses, is not a row change and is not refused. SQLite has no such triggers here:
`verify_history` finds a changed record on both databases."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_history_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) ->> 'history_user_id') IS NULL
       AND (to_jsonb(NEW) - 'history_user_id') = (to_jsonb(OLD) - 'history_user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'History records are never changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def guarded_tables(apps):
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("audit").get_models()
        if "historical" in model._meta.db_table or model._meta.model_name == "historyseal"
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in guarded_tables(apps):
        name = schema_editor.quote_name(f"{table}_refuse_change")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {schema_editor.quote_name(table)}")
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {schema_editor.quote_name(table)} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_history_change()"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in guarded_tables(apps):
        name = schema_editor.quote_name(f"{table}_refuse_change")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {schema_editor.quote_name(table)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_history_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_history_seals"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
