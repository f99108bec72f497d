"""A hand-counted county for the statistics tests.

On top of the shared ``county`` fixture (测试县: 甲镇 → 一村; 乙街道 → 幸福社区) it adds a 乡 with a 村,
a 村改居社区, a 党总支, a 联合党支部 of a 社会组织 (两新), a branch under the 党总支 and a stopped
(inactive) branch; and members placed on both sides of every boundary the contract names, as of
AS_OF. The expected figures in the tests are counted by hand from the list below.
"""
import datetime

import pytest

AS_OF = datetime.date(2026, 6, 30)


@pytest.fixture
def world(county, make_member):
    from dangjian.register.models import Division, Organization

    def div(name, category, parent):
        d = Division(name=name, category=category)
        d.assign_path(parent)
        d.save()
        return d

    def org(name, org_type, unit_type, division, parent, **extra):
        o = Organization(name=name, org_type=org_type, unit_type=unit_type, division=division, **extra)
        o.assign_path(parent)
        o.save()
        return o

    c = dict(county)
    c["township"] = div("丙乡", "乡", c["root_div"])
    c["village2"] = div("二村", "村", c["township"])
    c["moved_community"] = div("新居社区", "村改居社区", c["street"])

    c["township_committee"] = org("中共丙乡委员会", "党委", "乡镇", c["township"], c["root"])
    c["village2_branch"] = org("中共二村支部委员会", "党支部", "村", c["village2"], c["township_committee"])
    c["closed_branch"] = org("中共丙乡原林场支部委员会", "党支部", "其他", c["township"], c["township_committee"],
                             is_active=False)
    c["general_branch"] = org("中共新居社区总支部委员会", "党总支", "社区", c["moved_community"], c["street_committee"])
    c["general_sub_branch"] = org("中共新居社区第一支部委员会", "党支部", "社区", c["moved_community"],
                                  c["general_branch"])
    c["joint_branch"] = org("乙街道社会组织联合党支部", "联合党支部", "社会组织", c["street"], c["street_committee"])

    v, firm = c["village_branch"], c["firm_branch"]
    # Defaults of make_member: 男, 汉族, 大学本科, 工人, born 1980-05-06 (46 on AS_OF), full since 2006, 正常.
    young = {"joined": datetime.date(2018, 7, 1), "full": datetime.date(2019, 7, 1)}
    m = {
        "age30_birthday_today": make_member(v, birth=datetime.date(1996, 6, 30), **young),
        "age31_birthday_today": make_member(v, birth=datetime.date(1995, 6, 30), **young),
        "age30_birthday_tomorrow": make_member(v, birth=datetime.date(1995, 7, 1), **young),
        "age61_birthday_today": make_member(v, birth=datetime.date(1965, 6, 30)),
        "age60_birthday_tomorrow": make_member(v, birth=datetime.date(1965, 7, 1)),
        "full_today": make_member(v, joined=datetime.date(2025, 6, 30), full=AS_OF),
        "full_tomorrow": make_member(v, joined=datetime.date(2025, 7, 1), full=datetime.date(2026, 7, 1)),
        "probationary": make_member(v, joined=datetime.date(2026, 1, 10), full=None),
        "female": make_member(v, sex="女"),
        "minority": make_member(v, ethnicity="壮族"),
        "college": make_member(v, education="大学专科"),
        "secondary": make_member(v, education="中等专科"),
        "floating": make_member(v, is_floating=True),
        "firm": make_member(firm),
        "community": make_member(c["community_branch"]),
        "social": make_member(c["joint_branch"], sex="女"),
        # Would count as female, minority, college, floating, two-new and 30-and-under if they counted at all.
        "suspended": make_member(firm, sex="女", ethnicity="壮族", education="大学专科", is_floating=True,
                                 birth=datetime.date(1996, 6, 30), status="停止党籍", **young),
        "transferred_out": make_member(firm, sex="女", ethnicity="壮族", education="大学专科", is_floating=True,
                                       birth=datetime.date(1996, 6, 30), status="已转出", joined=datetime.date(2026, 1, 5),
                                       full=None),
    }
    c["members"] = m
    return c
