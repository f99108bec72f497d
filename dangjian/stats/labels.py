"""Chinese labels of the statistics blocks' keys, for the Excel export (issue 14).

The page renders each block with its own template; the export writes the block's figures one per
row, labelled here with the same words the page uses. ``label(block_key, dotted_key)`` answers a
label for every key the blocks produce; a key not listed falls back to its segments' labels
(activity types, levels, stages), so a new key of a known kind still reads in Chinese, and the
test ``test_every_exported_label_is_in_chinese`` names any key left without one.
"""
from __future__ import annotations

from typing import Any

# Segments that occur inside many keys.
SEGMENTS = {
    # orglife activity types (the page's 活动类型 column)
    "branch_general_meeting": "支部党员大会", "branch_committee_meeting": "支部委员会会议",
    "group_meeting": "党小组会", "party_lecture": "党课", "theme_day": "主题党日", "life_meeting": "组织生活会",
    "democratic_appraisal": "民主评议党员", "heart_to_heart_talk": "谈心谈话",
    "required": "应开展项次", "met": "已完成项次", "rate": "完成率",
    # recruitment stages
    "applicant": "入党申请人", "activist": "入党积极分子", "development_target": "发展对象",
    "admission": "预备党员接收", "probation": "教育考察和转正",
    # levels, community kinds, ranges
    "county": "县级", "township": "乡镇级", "village": "村级",
    "urban_community": "城市社区", "village_to_community": "村改居社区",
    "before": "期间首日", "now": "期间末日", "min": "最少", "max": "最多",
    "from": "起", "to": "止",
    "political_birthday": "政治生日", "sent": "已发送", "pending": "待发送", "failed": "发送失败",
}

# Whole keys, per block (the page's words).
KEYS: dict[str, dict[str, str]] = {
    "recruitment": {
        "admitted": "审批发展党员（人）", "admitted_female": "其中女性（人）",
        "admitted_35_and_under": "其中35岁及以下（人）", "admitted_college_or_above": "其中大专以上文化（人）",
        "admitted_two_new": "其中“两新”组织（人）", "stage_counts": "各阶段人数",
        "average_days_to_admission": "从递交入党申请书到上级党委审批平均用时（天）",
        "overdue_steps": "逾期未办步骤（个）", "full_in_period": "期间内转正（人）",
        "admitted_by_approving_body": "发展党员（按审批党委统计，人）",
        "full_by_approving_body": "预备党员转正（按审批党委统计，人）",
        "period": "统计期间",
    },
    "organisational_life": {
        "activities": "活动记录数", "activities_total": "活动记录（条）", "reviews": "线上调阅（次）",
        "required_slots": "规定活动应开展（项次）", "met_slots": "规定活动已完成（项次）",
        "compliance_rate": "规定活动完成率", "compliance_by_type": "规定活动",
        "late_records": "其中补录（条）", "branches_short": "未完成规定活动的党支部（个）",
        "branches_short_named": "未完成规定活动的党支部", "bases": "开放式组织生活基地（个）",
        "bookings": "受理预约（批）", "base_visitors": "到基地开展组织生活（人次）",
    },
    "platform": {
        "period": "统计期间", "transfers_online": "在线接转组织关系（人次）", "transfers_out": "转出平台外（人次）",
        "transfers_in": "从平台外转入（人次）", "floating_out": "流动党员外出（人）", "floating_in": "流动党员流入（人）",
        "sms": "短信",
    },
    "governance": {
        "matters_decided": "“一征三议两公开”解决事项（件）", "disputes_accepted": "纠纷受理（件）",
        "disputes_resolved": "纠纷化解（件）", "dispute_resolution_rate": "纠纷有效调处化解率",
        "dispute_resolution_rate_previous": "纠纷有效调处化解率（上一期间）",
        "dispute_resolution_rate_change": "纠纷有效调处化解率（较上一期间变化）",
        "service_requests": "三级便民服务平台受理（件）", "service_requests_by_level": "便民服务受理",
        "four_winds_cases": "查处“四风”和腐败案件（件）", "service_categories": "便民服务类别（个）",
        "service_items": "便民服务事项（个）", "service_requests_closed": "便民服务办结（件）",
        "service_average_days": "便民服务平均办理用时（天）",
    },
    "co_building": {
        "participating_organizations": "参与共驻共建党组织（个）", "part_time_members": "吸纳兼职委员（名）",
        "shared_resources": "共享场地、资源（项）", "problems_resolved": "协商解决问题（个）",
        "commitments": "承诺共建事项（项）", "brands": "党建品牌（个）",
    },
    "cadres": {
        "communities": "城市社区和村改居社区（个）", "full_time_deputy_secretaries": "配备专职副书记（名）",
        "full_time_deputies_per_community": "每个社区专职副书记（名）", "reserve_cadres": "后备干部（名）",
        "reserve_cadres_per_community": "每个社区后备干部（名）", "secretary_pay": "社区书记月报酬（元）",
        "community_funds_min": "社区年度经费（三项合计）最少（元）", "facility_investment": "期间内阵地建设投入（元）",
        "secretaries": "在任书记（名）", "secretaries_trained": "期间内参加培训的书记（名）",
        "secretaries_trained_rate": "书记培训率",
    },
    "two_new": {
        "units": "排查“两新”组织（个）", "units_with_party_organization": "已建立党组织（个）",
        "coverage_rate": "覆盖率", "stars": "星级评定党组织数",
        "stars.5": "五星（个）", "stars.4": "四星（个）", "stars.3": "三星（个）", "stars.2": "二星（个）",
        "stars.1": "一星（个）", "stars.0": "一票否决（个）",
    },
    "accountability": {
        "problems_found": "期间发现问题", "signed_off": "期间销号", "signed_off_on_time": "其中按时销号",
        "recurring": "反复出现", "open": "未销号（期末）", "overdue": "逾期（期末）",
    },
}


def _block_labels(block_key: str) -> dict[str, str]:
    from dangjian.core.extensions import stats_blocks

    for block in stats_blocks():
        if block.key == block_key:
            return block.labels or {}
    return {}


def label(block_key: str, key: str) -> str:
    """The Chinese label of a dotted key of a block: the whole key if listed, else the longest listed
    prefix followed by the labels of the remaining segments."""
    known = {**KEYS.get(block_key, {}), **_block_labels(block_key)}
    if key in known:
        return known[key]
    parts = key.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:cut])
        if head in known:
            return known[head] + "·" + "·".join(SEGMENTS.get(p, p) for p in parts[cut:])
    return "·".join(SEGMENTS.get(p, p) for p in parts)


def value(data: Any) -> Any:
    """A value as the export writes it: a list of named items as “名称（缺N项）”, other lists joined."""
    if isinstance(data, (list, tuple)):
        items = []
        for v in data:
            if isinstance(v, dict) and "name" in v:
                extra = "，".join(f"缺{x}项" if k == "missed" else str(x) for k, x in v.items() if k != "name")
                items.append(f"{v['name']}（{extra}）" if extra else v["name"])
            else:
                items.append(str(v))
        return "、".join(items)
    return data
