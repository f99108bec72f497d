"""The member list's name filter (``name LIKE '%…%'``) on a trigram index (PostgreSQL's ``pg_trgm``): at
city scale the filter read all 1,000,000 members (~0.6–1.9 s); on the index it reads the few that
match (issue 15). PostgreSQL only: SQLite has no such index and keeps its scan. The index is not in
``Member.Meta.indexes`` (a GIN index cannot be declared for SQLite too), so it lives here alone."""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "member_name_trigram"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON register_member USING gin (name gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0005_org_depth_path_index'),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; does nothing on other databases
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
