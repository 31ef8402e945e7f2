import importlib

from django.db import migrations

# The history tables of the report assessments and the plan adoptions are guarded like
# every other (0004_refuse_history_changes): their migrations on the branches that made
# them did not install the trigger.
_GUARD = importlib.import_module("audit.migrations.0004_refuse_history_changes")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0019_merge_plan_adoptions_history"),
    ]

    operations = [
        migrations.RunPython(_GUARD.install, migrations.RunPython.noop),
    ]
