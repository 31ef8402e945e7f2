"""A municipal police officer's role only in a police organisation.

An organisation administrator of a municipality could give a member the role and leave
`works_with` empty, which reads as "for the whole police unit": the member could then edit
every municipality's plans in the municipality's agreements. Such memberships, and open
invitations with the role, become coordinators of their own organisation, the editing
role an administrator there may give.
"""

from django.db import migrations

POLICE_KINDS = ("police_authority", "police_region", "police_area", "police_district")


def police_officers_only_in_the_police(apps, schema_editor):
    outside = {"role": "police_officer"}
    for name in ("Membership", "Invitation"):
        model = apps.get_model("organisations", name)
        fields = {"role": "coordinator"} | ({"works_with": None} if name == "Membership" else {})
        model.objects.filter(**outside).exclude(organisation__kind__in=POLICE_KINDS).update(
            **fields
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0009_shared_cache")]

    operations = [
        migrations.RunPython(police_officers_only_in_the_police, migrations.RunPython.noop)
    ]
