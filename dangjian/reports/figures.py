"""The work report's figures F01–F46 (report-figures.md): which ``party_stats`` key fills each X.

A figure is read from the block dicts ``compute_party_stats`` returns; this module never counts
anything itself. ``resolve`` turns a block value into the report's unit: counts stay integers,
money (yuan in the statistics) becomes 万元 with one decimal rounded half up, and a rate change (a
fraction) becomes percentage points with one decimal, rounded half up.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

COUNT, MONEY, RATE_CHANGE, CONSTANT, YUAN = "count", "money", "rate_change", "constant", "yuan"
UNITS = {COUNT: "", MONEY: "万元", RATE_CHANGE: "个百分点", CONSTANT: "", YUAN: "元/月"}


@dataclass(frozen=True)
class Figure:
    id: str
    words: str  # the seed's words around the X
    block: str  # the party_stats block it comes from
    keys: tuple[str, ...]  # dotted keys inside the block; several are summed
    definition: str
    kind: str = COUNT
    constant: Any = None

    @property
    def key_text(self) -> str:
        """The key as report-figures.md writes it, e.g. ``organizations.committee + organizations.working_committee``."""
        return " + ".join(f"{self.block}.{k}" for k in self.keys) if self.keys else f"{self.block}（常数）"

    @property
    def unit(self) -> str:
        return UNITS[self.kind]


def _f(id, words, block, keys, definition, kind=COUNT, constant=None) -> Figure:
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    return Figure(id, words, block, keys, definition, kind, constant)


FIGURES: list[Figure] = [
    _f("F01", "辖X个乡", "divisions", "township", "组织所在行政区划及其下级中类别为“乡”的区划数"),
    _f("F02", "X个镇", "divisions", "town", "类别为“镇”的区划数"),
    _f("F03", "X个街道", "divisions", "subdistrict", "类别为“街道”的区划数"),
    _f("F04", "X个村", "divisions", "village", "类别为“村”的区划数"),
    _f("F05", "X个社区", "divisions", "community", "城市社区与村改居社区合计"),
    _f("F06", "其中城市社区X个", "divisions", "urban_community", "类别为“城市社区”的区划数"),
    _f("F07", "村改居社区X个", "divisions", "village_to_community", "类别为“村改居社区”的区划数"),
    _f("F08", "基层党组织X个", "organizations", "total", "子树内正常运行的基层党组织总数（不含县委）"),
    _f("F09", "党（工）委X个", "organizations", ("committee", "working_committee"), "党委与党工委之和"),
    _f("F10", "党总支X个", "organizations", "general_branch", "党总支数"),
    _f("F11", "联合党支部X个", "organizations", "joint_branch", "联合党支部数"),
    _f("F12", "党支部X个", "organizations", "branch", "党支部数"),
    _f("F13", "党员X名", "members", "total", "所在党组织在子树内、党籍正常的党员数（截止日）"),
    _f("F14", "“一征三议两公开”工作法解决各类事项X件", "governance", "matters_decided", "结果公开日期在期间内的议事事项数"),
    _f("F15", "纠纷有效调处化解率上升X％", "governance", "dispute_resolution_rate_change",
       "纠纷调处化解率（调处成功÷受理）与前一等长期间之差，单位为百分点", RATE_CHANGE),
    _f("F16", "三级便民服务平台受理服务事项X件", "governance", "service_requests", "受理日期在期间内的便民服务事项数"),
    _f("F17", "查处…“四风”和腐败案件X件", "governance", "four_winds_cases", "结案日期在期间内的四风和腐败案件数"),
    _f("F18", "参与共驻共建党组织X个", "co_building", "participating_organizations", "截止日参与共建的共建单位数（去重）"),
    _f("F19", "吸纳兼职委员X名", "co_building", "part_time_members", "截止日在任的兼职委员数"),
    _f("F20", "协商解决问题X个", "co_building", "problems_resolved", "完成日期在期间内的协商问题数"),
    _f("F21", "承诺共建事项X余项", "co_building", "commitments", "提出日期在期间内的共建承诺数"),
    _f("F22", "共享场地、物资等X个（处）", "co_building", "shared_resources", "截止日登记在册且未停用的共享资源数"),
    _f("F23", "审批发展党员X人", "recruitment", "admitted", "上级党委审批（第⑰步）在期间内的发展党员数"),
    _f("F24", "其中女性X人", "recruitment", "admitted_female", "其中女性"),
    _f("F25", "X岁以下", "recruitment", (), "年龄界限（admitted_35_and_under 的35岁）", CONSTANT, 35),
    _f("F26", "X岁以下X人", "recruitment", "admitted_35_and_under", "其中审批之日35周岁及以下"),
    _f("F27", "大专以上文化X人", "recruitment", "admitted_college_or_above", "其中大专及以上学历"),
    _f("F28", "“两新”组织X人", "recruitment", "admitted_two_new", "其中所在党组织为“两新”组织"),
    _f("F29", "在线接转组织关系X人次", "platform", "transfers_online", "期间内办结（登记回执）的平台内转接数"),
    _f("F30", "调阅“三会一课”记录X余条", "organisational_life", "reviews", "期间内对子树内活动记录的调阅次数"),
    _f("F31", "开放式组织生活基地网上预约X批", "organisational_life", "bookings", "期间内子树内支部已同意或已开展的基地预约批数"),
    _f("F32", "推送政治生日短信X条", "platform", "sms.political_birthday.sent", "期间内已发送的政治生日短信条数"),
    _f("F33", "X大类", "governance", "service_categories", "截止日在用的服务目录中的服务大类数（全县目录）"),
    _f("F34", "X项便民服务", "governance", "service_items", "截止日在用的服务目录事项数（全县目录）"),
    _f("F35", "社区党建特色品牌X余个", "co_building", "brands", "认定日期在期间内、截止日未撤销的党建品牌数"),
    _f("F36", "打造X个不同类型的开放式组织生活基地", "organisational_life", "bases", "子树内正常开放的基地和党员活动室数"),
    _f("F37", "X余名党员到基地开展组织生活", "organisational_life", "base_visitors", "期间内已开展预约登记的到馆人数之和"),
    _f("F38", "先后投入X余万元", "cadres", "facility_investment", "投入日期在期间内的阵地投入合计（万元）", MONEY),
    _f("F39", "每个社区配备X名专职副书记", "cadres", "full_time_deputies_per_community.min", "截止日各社区在任专职副书记数的最小值"),
    _f("F40", "X~X人的后备干部队伍（下限）", "cadres", "reserve_cadres_per_community.min", "截止日各社区后备干部数的最小值"),
    _f("F41", "X~X人的后备干部队伍（上限）", "cadres", "reserve_cadres_per_community.max", "截止日各社区后备干部数的最大值"),
    _f("F42", "城市社区书记报酬原来X元/月", "cadres", "secretary_pay.urban_community.before", "起始日有效的城市社区书记月报酬标准", YUAN),
    _f("F43", "村改居社区书记报酬原来X元/月", "cadres", "secretary_pay.village_to_community.before", "起始日有效的村改居社区书记月报酬标准", YUAN),
    _f("F44", "城市社区书记报酬提高到X元/月", "cadres", "secretary_pay.urban_community.now", "截止日有效的城市社区书记月报酬标准", YUAN),
    _f("F45", "村改居社区书记报酬提高到X元/月", "cadres", "secretary_pay.village_to_community.now", "截止日有效的村改居社区书记月报酬标准", YUAN),
    _f("F46", "社区…三项经费达到X万元以上", "cadres", "community_funds_min", "截止日所在年度各社区三项经费合计的最小值（万元）", MONEY),
]
BY_ID: dict[str, Figure] = {f.id: f for f in FIGURES}
FIGURE_IDS: list[str] = [f.id for f in FIGURES]


def lookup(block: dict, dotted: str) -> Any:
    """The value at ``a.b.c`` inside a block dict, or None when any step is absent."""
    value: Any = block
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _half_up(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def convert(fig: Figure, raw: Any) -> Any:
    """A block value in the report's unit (None stays None)."""
    if raw is None:
        return None
    if fig.kind == MONEY:
        return float(_half_up(Decimal(str(raw)) / Decimal(10000)))
    if fig.kind == RATE_CHANGE:
        return float(_half_up(Decimal(str(raw)) * 100))
    if fig.kind == YUAN:
        value = Decimal(str(raw))
        return int(value) if value == value.to_integral_value() else float(_half_up(value, "0.01"))
    if isinstance(raw, bool):
        return int(raw)
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def resolve(fig: Figure, block: dict | None) -> Any:
    """The figure's value from its block's dict; None when the block is absent or a key is null."""
    if fig.kind == CONSTANT:
        return fig.constant
    if block is None:
        return None
    raws = [lookup(block, k) for k in fig.keys]
    if any(r is None for r in raws):
        return None
    raw = raws[0] if len(raws) == 1 else sum(raws)
    return convert(fig, raw)


def fmt(value: Any) -> str:
    """A value as the report prints it: integers plain (no thousands separator), 万元 and points with one decimal."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if round(value, 1) == value else f"{value:.2f}"
    return str(value)
