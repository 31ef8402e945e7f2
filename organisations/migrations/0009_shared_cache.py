"""The table of the cache that all workers share (settings.CACHES): made by Django's own
createcachetable, here so that `migrate` is the one step a deployment runs."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def make_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    """The tables createcachetable made: those the settings name, as it reads them."""
    for cache in settings.CACHES.values():
        if cache["BACKEND"] == DATABASE_CACHE:
            table = schema_editor.quote_name(cache["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0008_merge_saml_and_invitations")]

    operations = [migrations.RunPython(make_cache_table, drop_cache_table, elidable=False)]
