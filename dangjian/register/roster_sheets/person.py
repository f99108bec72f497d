"""The person's columns, first in the 党员 sheet and in recruitment's 发展党员 sheet, and their readers."""
from __future__ import annotations

import datetime
from typing import Any, Optional

from dangjian.roster.cells import RowReader, number_as_text, parse_text
from dangjian.roster.sheets import Column

from .. import rules
from ..vocab import ETHNIC_GROUPS, Education, Occupation, Sex
from .readers import _choice, _date, _text

_SEX = set(Sex.values)
_EDUCATION = set(Education.values)
_OCCUPATION = set(Occupation.values)
_ETHNIC = set(ETHNIC_GROUPS)
_HINT_SEX = "应为：男、女"
_HINT_ETHNIC = "应为56个民族的规范名称，如汉族、壮族、回族"
_HINT_EDUCATION = "应为：" + "、".join(Education.values)
_HINT_OCCUPATION = "应为：" + "、".join(Occupation.values)

# The person's columns, first in the 党员 sheet and in recruitment's 发展党员 sheet (read by read_person
# and read_id_number below, for both).
PERSON_COLUMNS = [
    Column("姓名", required=True, width=10),
    Column("性别", required=True, width=6),
    Column("民族", required=True, width=8),
    Column("公民身份号码", required=True, width=22, text=True),
    Column("出生日期", required=True, width=12),
    Column("学历", required=True, width=12),
    Column("人员类别", required=True, width=18),
    Column("所在党组织", required=True, width=34),
]

KEY_COLUMN = "党员编号"


def masked_cell(raw: Any) -> Optional[str]:
    """The cell's text when it is a masked number (contains *), else None."""
    if isinstance(raw, str) and "*" in raw:
        return rules.normalise_id_number(raw)
    return None


def unmask(r: RowReader, column: str, masked: str, stored: Optional[str], mask) -> Optional[str]:
    """A masked cell (an export for a user who sees masked numbers): the stored number when the cell
    is exactly the stored number's mask (left unchanged), else a fault; a masked value is never data."""
    if stored is not None and mask(stored) == masked:
        return stored
    if stored is None:
        r.fault(column, f"{column}“{masked}”是脱敏显示的号码（含*），不能作为数据导入：请填写完整号码，"
                        f"或保留导出文件中的“{KEY_COLUMN}”列")
    else:
        r.fault(column, f"{column}“{masked}”是脱敏显示的号码（含*），且与平台记录的号码不符：修改请填写完整号码，"
                        "不修改请保留导出时的原样")
    return None


def read_key(r: RowReader, column: str = KEY_COLUMN) -> Optional[int]:
    raw = r.row.values.get(column)
    if raw is None:
        return None
    text = number_as_text(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_text(raw)
    if not text.isdigit():
        r.fault(column, f"{column}“{text}”应为导出文件中的编号（数字）；新增党员请留空")
        return None
    return int(text)


# The person's cells (PERSON_COLUMNS), for the 党员 sheet and recruitment's 发展党员 sheet.

def read_person(r: RowReader) -> dict[str, Any]:
    """name, sex, ethnicity, education, occupation, birth_date and _org (the organisation's name) of a
    row, each None after its fault is recorded (a required cell empty, a value outside its vocabulary)."""
    v = r.row.values
    return {
        "name": _text(r, "姓名", v.get("姓名"), 50, required=True),
        "sex": _choice(r, "性别", v.get("性别"), _SEX, _HINT_SEX),
        "ethnicity": _choice(r, "民族", v.get("民族"), _ETHNIC, _HINT_ETHNIC),
        "education": _choice(r, "学历", v.get("学历"), _EDUCATION, _HINT_EDUCATION),
        "occupation": _choice(r, "人员类别", v.get("人员类别"), _OCCUPATION, _HINT_OCCUPATION),
        "_org": _text(r, "所在党组织", v.get("所在党组织"), 200, required=True),
        "birth_date": _date(r, "出生日期", v.get("出生日期"), required=True),
    }


def read_id_number(r: RowReader, birth: Optional[datetime.date], sex: Optional[str]) -> tuple[Optional[str], list[str]]:
    """The 公民身份号码 cell: (the normalised number, its GB 11643 / birth date / sex faults, NOT yet
    recorded: each sheet decides what a faulty number means), or (None, []) after recording the fault
    of an empty cell or of a number-formatted one (which has lost its last digits)."""
    v = r.row.values
    raw = v.get("公民身份号码")
    if raw is None:
        if "公民身份号码" in v:
            r.fault("公民身份号码", "公民身份号码不能为空")
        return None, []
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        r.fault("公民身份号码", "公民身份号码必须是文本格式单元格（数字格式会丢失末几位），请把该列设为文本后重新输入")
        return None, []
    # Cells arrive trimmed, a text never empty (roster.sheets).
    id_number = rules.normalise_id_number(raw if raw.__class__ is str else parse_text(raw))
    return id_number, rules.check_id_number(id_number, birth, sex)
