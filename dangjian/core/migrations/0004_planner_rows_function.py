"""``dangjian_planner_rows(query text)``: the planner's row estimate of a query (its ``EXPLAIN``), so that
a list's bounded count and, past the threshold, its estimate are one statement (issue 15,
``core.views_helpers.bounded_count_and_estimate``). PostgreSQL only; other databases have no estimate."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION dangjian_planner_rows(query text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    -- EXPLAIN plans the query without running it.
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS dangjian_planner_rows(text)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_hash_chain'),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
