import datetime
import io

import pytest
from openpyxl import Workbook


@pytest.fixture
def cadre_factory(db):
    """cadre(org, name, post, start, end=None, **extra): a cadre row written directly (fixtures only)."""
    from dangjian.cadres.models import Cadre

    def make(org, name, post="书记", start=datetime.date(2020, 1, 1), end=None, **extra):
        id_number = extra.pop("id_number", "")
        c = Cadre(organization=org, name=name, post=post, started_on=start, ended_on=end, **extra)
        c.id_number = id_number
        c.save()
        return c

    return make


def workbook(sheets: dict) -> bytes:
    """{sheet name: [header row, row, ...]} as .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
