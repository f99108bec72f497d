"""Small SQL building blocks the ORM does not spell.

``field__in_array=<queryset of one column>``: on PostgreSQL ``field = ANY(ARRAY(<subquery>))``, an
InitPlan evaluated once whose array the planner treats as a parameter, so it keeps the index plan
(a plain ``IN (subquery)`` is planned as a join, which flips to a parallel sequential scan of all
members at county size: issue 15, verified with EXPLAIN ANALYZE on 1,000,000 members). Other
databases: ``field IN (<subquery>)``. Registered on every field (and relation); use it only where a subquery
selects a modest part of a large table (the planner cannot estimate the array's length).
"""
from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup


class InArraySubquery(Lookup):
    lookup_name = "in_array"

    def get_prep_lookup(self):
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


Field.register_lookup(InArraySubquery)
ForeignObject.register_lookup(InArraySubquery)  # relations list their own lookups only
