"""The to-do list (待办) of a user's scope, and the same items as the daily digest.

One query over the open recruitments (dates kept on the row by the services), then plain Python:
a county with thousands of files under way is still one indexed read.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from dangjian.core.rules import get_setting
from dangjian.register.rules import add_months, add_years

from .models import Recruitment, Status
from .rules import SOON_DAYS

PUBLICITY_SOON_DAYS = 3

KINDS = {
    "talk": "待谈话的入党申请人",
    "review": "待半年考察的入党积极分子",
    "target_ready": "可确定为发展对象的入党积极分子",
    "political_review": "政审结论即将过期",
    "publicity": "公示即将结束",
    "approval": "等待上级党委审批",
    "probation": "预备期即将期满",
}

FIELDS = ("id", "name", "organization_id", "organization__name", "organization__path", "last_step", "applied_on",
          "activist_on", "last_review_on", "political_review_on", "publicity_end_on", "admitted_on",
          "probation_ends_on")


@dataclass
class TodoItem:
    kind: str
    recruitment_id: int
    name: str
    organization: str
    organization_path: str
    due: datetime.date
    days_left: int
    overdue: bool
    text: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def _d(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


def items_for_rows(rows, today: datetime.date) -> list[TodoItem]:
    review_years = get_setting("recruitment.political_review_valid_years")
    out: list[TodoItem] = []
    for row in rows:
        step = row["last_step"]

        def add(kind, due, text, overdue=None):
            left = (due - today).days
            out.append(TodoItem(kind, row["id"], row["name"], row["organization__name"], row["organization__path"],
                                due, left, left < 0 if overdue is None else overdue, text))

        if step == 1:
            due = add_months(row["applied_on"], 1)
            add("talk", due, f"{_d(row['applied_on'])}递交入党申请书，应于{_d(due)}前派人谈话")
        elif 3 <= step <= 6 and row["activist_on"]:
            since = max(row["activist_on"], row["last_review_on"] or row["activist_on"])
            due = add_months(since, 6)
            if (due - today).days <= SOON_DAYS:
                add("review", due, f"上次考察（或确定为积极分子）为{_d(since)}，应于{_d(due)}前完成半年考察")
            ready = add_years(row["activist_on"], 1)
            if ready <= today:
                add("target_ready", ready, f"{_d(row['activist_on'])}确定为入党积极分子，已满一年，可研究确定为发展对象",
                    overdue=False)
        elif 7 <= step <= 11:
            if row["political_review_on"]:
                last = add_years(row["political_review_on"], review_years) - datetime.timedelta(days=1)
                if (last - today).days <= SOON_DAYS:
                    add("political_review", last,
                        f"{_d(row['political_review_on'])}完成政治审查，结论有效至{_d(last)}，须在此前召开支部委员会审查")
            end = row["publicity_end_on"]
            if end and (end - today).days <= PUBLICITY_SOON_DAYS:
                text = (f"公示将于{_d(end)}结束" if end >= today else f"公示已于{_d(end)}结束，可召开支部委员会审查")
                add("publicity", end, text, overdue=False)
        if 15 <= step <= 16 and row["admitted_on"]:
            due = add_months(row["admitted_on"], 3)
            waited = (today - row["admitted_on"]).days
            add("approval", due, f"支部大会{_d(row['admitted_on'])}通过，已等待{waited}天，应于{_d(due)}前审批")
        if 15 <= step <= 22 and row["probation_ends_on"]:
            end = row["probation_ends_on"]
            if (end - today).days <= SOON_DAYS:
                add("probation", end, f"预备期于{_d(end)}{'期满' if end >= today else '已满'}，应及时讨论转正")
    out.sort(key=lambda i: (not i.overdue, i.due, i.name))
    return out


def todo_items(queryset, today: datetime.date) -> list[TodoItem]:
    rows = queryset.filter(status=Status.OPEN).values(*FIELDS).order_by()
    return items_for_rows(rows.iterator(chunk_size=2000), today)


def todo_for_user(user, today: datetime.date) -> list[TodoItem]:
    return todo_items(Recruitment.objects.for_user(user, "view"), today)
