"""The register's sheets of the roster workbook: 行政区划, 党组织, 党员 (roster-format.md).

Every fact is judged by the same rule functions the register services use (``register.rules``);
only the bookkeeping differs: the import checks a whole workbook at once against itself and the
database, and writes in bulk with one audit row per created or changed object.

Natural keys: divisions and organisations by name, members by 公民身份号码 (its keyed digest).
Re-importing the same workbook changes nothing; a changed row updates its object; a changed
parent moves the object's subtree.

Modules: ``tree`` (行政区划 and 党组织), ``members`` (党员), ``person`` (the person's columns, shared
with recruitment's 发展党员 sheet), ``readers`` (fast per-cell readers), ``common`` (shared helpers).
"""
from __future__ import annotations

from ..models import Organization
from .members import MemberSheet
from .tree import DivisionSheet, OrganizationSheet

SHEETS = [DivisionSheet, OrganizationSheet, MemberSheet]
# The organisation tree scopes every import and export (dangjian.roster.sheets.scope_model).
SCOPE_MODEL = Organization
