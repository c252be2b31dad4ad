"""The groups that carry the office's roles, so they exist without the demo network."""

from django.db import migrations

ROLE_GROUPS = ["Koordinierungsstelle", "Trainer", "Lotsen"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_firm_scoping_applications_invitations"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
