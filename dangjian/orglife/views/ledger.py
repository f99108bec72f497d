"""The ledger sheet export."""
from __future__ import annotations

from dangjian.core import excel

from .common import _date, _scope_org, staff_required


# --- Ledger sheet export ---------------------------------------------------------------------

@staff_required
def sheet_export(request):
    from ..roster_sheets import OrglifeSheet

    org = _scope_org(request) if request.GET.get("org") else None
    handler = OrglifeSheet()
    rows = handler.export_rows(request.user, org, date_from=_date(request.GET.get("from")),
                               date_to=_date(request.GET.get("to")))
    content = excel.write_workbook([(OrglifeSheet.sheet_name, OrglifeSheet.titles(), rows)],
                                   widths={OrglifeSheet.sheet_name: [c.width for c in OrglifeSheet.columns]})
    return excel.xlsx_response(content, "组织生活台账.xlsx")
