"""The table of the cache that all workers share (settings.CACHES): made by Django's own
createcachetable, here so that `migrate` is the one step a deployment runs."""

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name('samverkan_cache')}"
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0008_merge_saml_and_invitations")]

    operations = [migrations.RunPython(make_cache_table, drop_cache_table, elidable=False)]
