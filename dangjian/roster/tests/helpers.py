"""Test workbooks built in code with openpyxl."""
from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import Workbook

from dangjian.conftest import make_id_number

DIV = ["名称", "类别", "上级区划"]
ORG = ["组织名称", "组织类别", "上级党组织", "单位类别", "所在行政区划", "成立日期", "本届届满日期", "书记"]
MEM = ["姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "所在党组织", "入党日期", "转正日期",
       "党籍状态", "手机号码", "是否流动党员"]


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with one sheet per entry (first list = titles). Strings stay text cells."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def member(name="张三", sex="男", birth=datetime.date(1985, 3, 4), serial=100, org="中共新村支部委员会",
           joined="2010-07-01", full="2011-07-01", status="正常", phone="13912340000", floating="否",
           id_number=None, ethnicity="汉族", education="大学本科", occupation="工人", birth_cell=None):
    return {
        "姓名": name, "性别": sex, "民族": ethnicity,
        "公民身份号码": id_number if id_number is not None else make_id_number(birth, sex, serial),
        "出生日期": birth_cell if birth_cell is not None else birth.isoformat(), "学历": education,
        "人员类别": occupation, "所在党组织": org, "入党日期": joined, "转正日期": full, "党籍状态": status,
        "手机号码": phone, "是否流动党员": floating,
    }


def rows(titles: list[str], dicts: list[dict]) -> list[list[Any]]:
    return [titles] + [[d.get(t) for t in titles] for d in dicts]


# A 预备党员's 入党日期 within the two years of probation (issue 14: more is an error), typed with slashes.
RECENT_JOINED = (datetime.date.today() - datetime.timedelta(days=300)).strftime("%Y/%m/%d")


def new_county_sheets(members: list[dict] | None = None) -> dict[str, list[list[Any]]]:
    """A small county of its own: 新县 → 新镇 → 新村; 县委 → 镇党委 → 村支部 and a 两新 branch."""
    if members is None:
        members = [member(), member(name="李四", sex="女", serial=101, birth=datetime.date(1990, 8, 9),
                                    joined=RECENT_JOINED, full=None, floating="是", phone=None)]
    return {
        "行政区划": [DIV, ["新县", "县", None], ["新镇", "镇", "新县"], ["新村", "村", "新镇"]],
        "党组织": [ORG,
                ["中共新县委员会", "县委", None, "机关", "新县", "2001-01-01", None, "赵书记"],
                ["中共新镇委员会", "党委", "中共新县委员会", "乡镇", "新镇", "2002.02.02", "2027-12-31", "钱书记"],
                ["中共新村支部委员会", "党支部", "中共新镇委员会", "村", "新村", datetime.date(2003, 3, 3), None, None],
                ["新镇某公司党支部", "党支部", "中共新镇委员会", "非公有制企业", "新镇", None, None, "孙书记"]],
        "党员": rows(MEM, members),
    }
