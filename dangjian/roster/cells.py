"""Reading one workbook cell: the parsers every sheet handler shares.

The engine hands each handler trimmed values: ``str`` (never empty), ``datetime.date``/``datetime``
(an Excel date cell), ``float``/``int`` (a number cell), ``bool``, or ``None`` for an empty cell.
Each parser takes such a value and returns the parsed value, ``None`` for an empty cell, or raises
``CellError`` whose message (Chinese, without the column title) becomes the fault's message.
Handlers usually go through ``RowReader.get`` (below), which records the fault and returns None.

    reader = RowReader(ctx, "党员", row)
    joined = reader.get("入党日期", parse_date, required=True)
    sex = reader.get("性别", parse_choice, Sex, required=True)
    floating = reader.get("是否流动党员", parse_yes_no, default=False)
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Iterable, Optional

# Half-width whitespace and the full-width space U+3000 that Chinese input methods produce;
# also the no-break and zero-width spaces that copying from web pages leaves behind.
_SPACES = " \t\r\n\u3000\u00a0\u200b\ufeff"

_DATE_TEXT = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),  # 2012年7月1日 (issue 14)
]
DATE_FORMATS_HINT = "日期应为日期格式单元格，或文本 YYYY-MM-DD、YYYY/MM/DD、YYYY.MM.DD、YYYYMMDD、YYYY年M月D日"


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


def trim(value: Any) -> Any:
    """Strip half- and full-width spaces from a text cell; an empty text becomes None."""
    if isinstance(value, str):
        value = value.strip(_SPACES)
        return value or None
    return value


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_SPACES))


def number_as_text(value: float | int) -> str:
    """A number cell as the digits a user typed (13800001111.0 → "13800001111")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_text(value: Any, *, max_length: Optional[int] = None) -> Optional[str]:
    """Any non-empty cell as text. Numbers lose a trailing ".0"; dates become YYYY-MM-DD."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, (int, float)):
        text = number_as_text(value)
    elif isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, datetime.date):
        text = value.strftime("%Y-%m-%d")
    else:
        text = str(value).strip(_SPACES)
    if max_length is not None and len(text) > max_length:
        raise CellError(f"内容过长：最多{max_length}个字，现有{len(text)}个字")
    return text


def parse_date(value: Any) -> Optional[datetime.date]:
    """An Excel date cell, or text YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD.

    Impossible dates (1990-13-45, 2023-02-29) and anything else (numbers, other text) are faults.
    """
    if is_empty(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip(_SPACES)
        for pattern in _DATE_TEXT:
            match = pattern.match(text)
            if match:
                year, month, day = (int(g) for g in match.groups())
                try:
                    return datetime.date(year, month, day)
                except ValueError:
                    raise CellError(f"日期“{text}”不存在") from None
        raise CellError(f"无法识别的日期“{text}”：{DATE_FORMATS_HINT}")
    raise CellError(f"无法识别的日期“{parse_text(value)}”：{DATE_FORMATS_HINT}")


def _choice_values(choices: Any) -> list[str]:
    if hasattr(choices, "values") and callable(getattr(choices, "values")) and not isinstance(choices, dict):
        return [str(v) for v in choices.values]  # a Django TextChoices class
    if isinstance(choices, dict):
        return [str(k) for k in choices]
    return [str(c[0]) if isinstance(c, (tuple, list)) else str(c) for c in choices]


def parse_choice(value: Any, choices: Any, *, hint: str = "") -> Optional[str]:
    """A value of a controlled vocabulary (a TextChoices class, a list of values or of (value, label)).

    The message lists the allowed values, or ``hint`` when the list is too long to print (民族).
    """
    if is_empty(value):
        return None
    text = parse_text(value)
    allowed = _choice_values(choices)
    if text in allowed:
        return text
    if hint:
        raise CellError(f"“{text}”不是规定的取值：{hint}")
    raise CellError(f"“{text}”不是规定的取值，应为：{'、'.join(allowed)}")


def parse_count(value: Any) -> Optional[int]:
    """A whole number not below 0 (a count, a year): a number cell or digits."""
    if isinstance(value, bool):
        raise CellError("应为不小于0的整数")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise CellError(f"“{number_as_text(value)}”应为不小于0的整数")
    text = parse_text(value)
    if text and text.isdigit():
        return int(text)
    raise CellError(f"“{text}”应为不小于0的整数")


YES_NO = {"是": True, "否": False}


def parse_yes_no(value: Any) -> Optional[bool]:
    """是 or 否 (an Excel TRUE/FALSE cell is read the same way)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = parse_text(value)
    if text in YES_NO:
        return YES_NO[text]
    raise CellError(f"“{text}”不是规定的取值，应为：是、否")


class RowReader:
    """Reads the cells of one row, recording each fault on the context with sheet, row and column.

    A column missing from the sheet altogether reads as None without a per-row fault: the engine
    has already reported a missing required column once for the whole sheet.
    """

    def __init__(self, ctx, sheet: str, row) -> None:
        self.ctx, self.sheet, self.row = ctx, sheet, row
        self.faulty = False

    def has(self, column: str) -> bool:
        return column in self.row.values

    def raw(self, column: str) -> Any:
        return self.row.values.get(column)

    def get(self, column: str, parser: Callable[..., Any] = parse_text, *args: Any, required: bool = False,
            default: Any = None, **kwargs: Any) -> Any:
        value = self.row.values.get(column)
        if is_empty(value):
            if required and column in self.row.values:
                self.fault(column, f"{column}不能为空")
            return default
        try:
            return parser(value, *args, **kwargs)
        except CellError as err:
            self.fault(column, err.message)
            return None

    def fault(self, column: str, message: str) -> None:
        self.faulty = True
        self.ctx.fault(self.sheet, self.row.number, column, message)

    def faults(self, column: str, messages: Iterable[str]) -> None:
        for message in messages:
            self.fault(column, message)
