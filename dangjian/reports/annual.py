"""党内统计 annual tables: the situation on 31 December of a year, and the year's recruitment, in the
same layout every year (every category listed, zeros included) so that years can be compared.

Members are counted where their membership formally is (所在党组织, as ``members`` counts them: in
good standing; 停止党籍 apart); organisations by 组织类别 and 单位类别; recruitment by the day the
superior committee approved (⑰) and full membership by the day of ㉔ 转正, within the year. All from
the blocks ``members``, ``organizations`` and ``recruitment`` of ``party_stats`` on 31 December.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from dangjian.core.excel import write_workbook
from dangjian.core.extensions import stats_blocks
from dangjian.register.statistics import JOIN_ERA_LABELS
from dangjian.register.vocab import AGE_BAND_LABELS, AGE_BANDS, ETHNIC_GROUPS, ORG_STAT_KEYS, Education, Occupation, UnitType
from dangjian.stats.services import compute_party_stats

BLOCK_KEYS = ("organizations", "members", "recruitment")


@dataclass
class AnnualTable:
    title: str
    label: str
    rows: list[tuple[str, object]]
    total: int | None = None  # the base of the 占比 column

    @property
    def headers(self) -> list[str]:
        return [self.label, "数量"] + (["占比"] if self.total is not None else [])

    def display_rows(self) -> list[list]:
        out = []
        for label, n in self.rows:
            row = [label, n]
            if self.total is not None:
                row.append(f"{n * 100 / self.total:.1f}%" if self.total and isinstance(n, int) else "—")
            out.append(row)
        return out


def build(org, year: int) -> list[AnnualTable]:
    day = datetime.date(year, 12, 31)
    blocks = [b for b in stats_blocks() if b.key in BLOCK_KEYS]
    stats = compute_party_stats(org, as_of=day, date_from=datetime.date(year, 1, 1), date_to=day, blocks=blocks)
    m, o = stats["members"], stats["organizations"]
    total = m["total"]
    by_ethnicity = m.get("by_ethnicity", {})
    tables = [
        AnnualTable("党员总数", "项目", [("党员总数", total), ("其中：正式党员", m["full"]), ("预备党员", m["probationary"]),
                                     ("流动党员", m["floating"]), ("“两新”组织党员", m["in_two_new"]),
                                     ("停止党籍（不计入总数）", m["suspended"])], total),
        AnnualTable("性别", "性别", [("男", total - m["female"]), ("女", m["female"])], total),
        AnnualTable("民族", "民族", [("汉族", by_ethnicity.get("汉族", total - m["ethnic_minority"])),
                                   ("少数民族合计", m["ethnic_minority"])]
                    + [(e, by_ethnicity.get(e, 0)) for e in ETHNIC_GROUPS[1:]], total),
        AnnualTable("年龄", "年龄段", [(AGE_BAND_LABELS[k], m["age_bands"][k]) for k, _lo, _hi in AGE_BANDS], total),
        AnnualTable("学历", "学历", [(v, m.get("by_education", {}).get(v, 0)) for v in Education.values], total),
        AnnualTable("人员类别", "人员类别", [(v, m.get("by_occupation", {}).get(v, 0)) for v in Occupation.values], total),
        AnnualTable("入党时间", "入党时间", [(JOIN_ERA_LABELS[k], n) for k, n in m.get("join_eras", {}).items()], total),
        AnnualTable("党组织（按组织类别）", "组织类别", [(str(t), o[key]) for t, key in ORG_STAT_KEYS.items()]
                    + [("合计", o["total"])], o["total"]),
        AnnualTable("党组织（按单位类别）", "单位类别", [(v, o.get("by_unit_type", {}).get(v, 0)) for v in UnitType.values],
                    o["total"]),
    ]
    r = stats.get("recruitment")
    if r is None:
        tables.append(AnnualTable("发展党员与转正", "项目", [("发展党员模块未安装", "暂无数据")]))
    else:
        tables.append(AnnualTable("发展党员与转正", "项目", [
            ("本年发展党员（按审批党委统计）", r.get("admitted_by_approving_body", r["admitted"])), ("其中：女性", r["admitted_female"]),
            ("35岁及以下", r["admitted_35_and_under"]), ("大专及以上学历", r["admitted_college_or_above"]),
            ("“两新”组织", r["admitted_two_new"]), ("本年预备党员转正（按审批党委统计）", r.get("full_by_approving_body", r.get("full_in_period", "暂无数据")))]))
    return tables


def to_xlsx(org, year: int) -> bytes:
    tables = build(org, year)
    name = org.name if org is not None else "全部组织"
    head = ("说明", ["项目", "内容"], [["统计范围", f"{name}（含下级组织）"], ["统计时点", f"{year}年12月31日"],
                                   ["口径", "党员按所在党组织统计（党籍正常），发展党员按上级党委审批日期、转正按转正日期计入当年"]])
    sheets = [head] + [(t.title, t.headers, t.display_rows()) for t in tables]
    widths = {t.title: [30, 12, 10] for t in tables}
    widths["说明"] = [12, 90]
    return write_workbook(sheets, widths=widths)
