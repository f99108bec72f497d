"""The 25 steps of 《中国共产党发展党员工作细则》 in 5 stages (domain-rules.md §1).

A step is known by its number; ``title`` is its circled number and name as the roster workbook
writes it (``⑮支部大会讨论``): names repeat (④/⑧, ⑮/㉓), titles do not.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    stage: str
    # What the recording form asks for, besides the date and a note.
    committee: bool = False  # the committee that files, pre-examines or approves
    talker: bool = False  # the person who talked with the applicant
    contacts: bool = False  # 培养联系人
    introducers: bool = False  # 入党介绍人
    meeting: bool = False  # a vote: entitled, present, for, against, abstaining
    training: bool = False  # days and class hours of the concentrated training

    @property
    def circled(self) -> str:
        return circled(self.number)

    @property
    def title(self) -> str:
        return f"{self.circled}{self.name}"


def circled(number: int) -> str:
    if 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if 21 <= number <= 35:
        return chr(0x3251 + number - 21)
    return str(number)


APPLICANT, ACTIVIST, TARGET, ADMISSION, PROBATION = (
    "applicant", "activist", "development_target", "admission", "probation",
)
STAGE_LABELS = {
    APPLICANT: "入党申请",
    ACTIVIST: "入党积极分子",
    TARGET: "发展对象",
    ADMISSION: "预备党员接收",
    PROBATION: "教育考察和转正",
}
STAGE_RANGES = {
    APPLICANT: (1, 2),
    ACTIVIST: (3, 6),
    TARGET: (7, 11),
    ADMISSION: (12, 18),
    PROBATION: (19, 24),
}

STEPS: dict[int, Step] = {s.number: s for s in [
    Step(1, "递交入党申请书", APPLICANT),
    Step(2, "党组织派人谈话", APPLICANT, talker=True),
    Step(3, "推荐和确定入党积极分子", ACTIVIST),
    Step(4, "报上级党委备案", ACTIVIST, committee=True),
    Step(5, "指定培养联系人", ACTIVIST, contacts=True),
    Step(6, "培养教育考察", ACTIVIST),
    Step(7, "确定发展对象", TARGET),
    Step(8, "报上级党委备案", TARGET, committee=True),
    Step(9, "确定入党介绍人", TARGET, introducers=True),
    Step(10, "政治审查", TARGET),
    Step(11, "集中培训", TARGET, training=True),
    Step(12, "支部委员会审查", ADMISSION, meeting=True),
    Step(13, "上级党委预审", ADMISSION, committee=True),
    Step(14, "填写入党志愿书", ADMISSION),
    Step(15, "支部大会讨论", ADMISSION, meeting=True),
    Step(16, "上级党委派人谈话", ADMISSION, talker=True),
    Step(17, "上级党委审批", ADMISSION, committee=True),
    Step(18, "再上一级党委组织部门备案", ADMISSION, committee=True),
    Step(19, "编入党支部和党小组", PROBATION),
    Step(20, "入党宣誓", PROBATION),
    Step(21, "继续教育考察", PROBATION),
    Step(22, "提出转正申请", PROBATION),
    Step(23, "支部大会讨论", PROBATION, meeting=True),
    Step(24, "上级党委审批", PROBATION, committee=True),
    Step(25, "材料归档", PROBATION),
]}
LAST_STEP = 25
STEP_BY_TITLE = {s.title: s for s in STEPS.values()}
STEP_CHOICES = [(s.number, s.title) for s in STEPS.values()]


def stage_of(last_step: int) -> str | None:
    """The stage a recruitment is in now, by its last recorded step (㉕ recorded: none)."""
    for stage, (low, high) in STAGE_RANGES.items():
        if low <= last_step <= high:
            return stage
    return None
