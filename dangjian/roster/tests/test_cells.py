import datetime

import pytest

from dangjian.roster.cells import CellError, parse_choice, parse_date, parse_text, parse_yes_no, trim
from dangjian.register.vocab import Sex


@pytest.mark.parametrize("value", ["2020-03-04", "2020/03/04", "2020.03.04", "20200304", "2020-3-4",
                                   datetime.date(2020, 3, 4), datetime.datetime(2020, 3, 4, 0, 0)])
def test_it_reads_every_documented_date_form(value):
    assert parse_date(value) == datetime.date(2020, 3, 4)


@pytest.mark.parametrize("value,message", [
    ("1990-13-45", "不存在"), ("2023-02-29", "不存在"), ("19900230", "不存在"),
    ("1990年13月1日", "不存在"), ("04/03/2020", "无法识别"), (43831.0, "无法识别"), ("2020-03-04 10:00", "无法识别"),
])
def test_it_refuses_impossible_and_unknown_dates(value, message):
    with pytest.raises(CellError) as err:
        parse_date(value)
    assert message in err.value.message


def test_it_accepts_29_february_in_a_leap_year_only():
    assert parse_date("2024-02-29") == datetime.date(2024, 2, 29)
    with pytest.raises(CellError):
        parse_date("2023-02-29")


def test_it_trims_half_and_full_width_spaces():
    assert trim("\u3000 新镇 \u3000") == "新镇"
    assert trim("\u3000 ") is None
    assert parse_date("\u30002020-01-02 ") == datetime.date(2020, 1, 2)


def test_it_reads_choices_and_lists_the_allowed_values():
    assert parse_choice("女", Sex) == "女"
    assert parse_choice(None, Sex) is None
    with pytest.raises(CellError) as err:
        parse_choice("F", Sex)
    assert "男、女" in err.value.message


def test_it_reads_yes_and_no_only():
    assert parse_yes_no("是") is True and parse_yes_no("否") is False and parse_yes_no(True) is True
    with pytest.raises(CellError):
        parse_yes_no("Y")


def test_it_reads_number_cells_as_the_digits_typed():
    assert parse_text(13800001111.0) == "13800001111"
    assert parse_text(3.5) == "3.5"
    with pytest.raises(CellError):
        parse_text("很长的名字", max_length=3)


@pytest.mark.parametrize("text", ["2012年7月1日", "2012年07月01日", "2012.7.1", "2012/7/1", "2012-07-01", "20120701"])
def test_it_reads_the_dates_people_type(text):
    """Issue 14: the ways a county types a date, on import."""
    assert parse_date(text) == datetime.date(2012, 7, 1)


@pytest.mark.parametrize("text", ["2012年7月1日", "2012年07月01日", "2012.7.1", "2012/7/1", "2012-07-01"])
def test_every_form_date_field_reads_them_too(text):
    from django import forms

    from dangjian.core.forms import ChineseFormMixin

    class F(ChineseFormMixin, forms.Form):
        day = forms.DateField(label="入党日期")

    f = F({"day": text})
    assert f.is_valid(), f.errors
    assert f.cleaned_data["day"] == datetime.date(2012, 7, 1)
