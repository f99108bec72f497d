"""The report's sentences: a template the county edits, with placeholders by figure id.

``{F13}`` prints figure F13 (a visible blank when it has no data), ``{F15升降}`` prints a change as
"上升2.5个百分点" / "下降1.2个百分点" / "与上一期持平", and the names: ``{地名}`` (the county or
township), ``{全域}``/``{我地}`` ("全县"/"我县"), ``{组织名称}``, ``{起始年}``, ``{品牌}`` (up to three
brands of the period) and ``{待填}`` (a blank left for the writer). Anything else in braces, or a
stray brace, is refused when the template is saved. The defaults follow the seed report's sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .figures import BY_ID, FIGURE_IDS, RATE_CHANGE, fmt

BLANK = "＿＿＿"
NAMES = ("地名", "全域", "我地", "组织名称", "起始年", "品牌", "待填")
CHANGE_SUFFIX = "升降"
CHANGE_FIGURES = [f.id for f in BY_ID.values() if f.kind == RATE_CHANGE]
_TOKEN = re.compile(r"\{([^{}]*)\}")
MAX_LENGTH = 3000


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    part: str  # "opening", "work", "problems", "measures"


SECTIONS = [
    Section("title", "标题", "title"),
    Section("opening", "开头段（县）", "opening"),
    Section("opening_township", "开头段（乡镇、街道）", "opening"),
    Section("opening_branch", "开头段（党总支、党支部）", "opening"),
    Section("work_intro", "一、主要工作开展情况：总述", "work"),
    Section("work_1", "（一）推进重点工作", "work"),
    Section("work_2", "（二）激发党建活力", "work"),
    Section("work_3", "（三）夯实基层基础", "work"),
    Section("problems_intro", "二、存在问题：总述（各条问题由平台数据起草）", "problems"),
    Section("measures_intro", "三、下步改进措施：总述", "measures"),
    Section("measures_1", "措施（一）", "measures"),
    Section("measures_2", "措施（二）", "measures"),
    Section("measures_3", "措施（三）", "measures"),
    Section("measures_4", "措施（四）", "measures"),
    Section("measures_5", "措施（五）", "measures"),
]
SECTION_KEYS = [s.key for s in SECTIONS]

DEFAULTS: dict[str, str] = {
    "title": "{地名}基层党建工作情况汇报",
    "opening": (
        "{地名}辖{F01}个乡、{F02}个镇、{F03}个街道，{F04}个村、{F05}个社区（其中城市社区{F06}个，村改居社区{F07}个）。"
        "目前，{全域}共设基层党组织{F08}个，其中党（工）委{F09}个、党总支{F10}个、联合党支部{F11}个，党支部{F12}个，"
        "党员{F13}名。现将{我地}基层党建工作情况具体汇报如下："),
    "opening_township": (
        "{地名}辖{F04}个村、{F05}个社区（其中城市社区{F06}个，村改居社区{F07}个）。目前，{全域}共设基层党组织{F08}个，"
        "其中党（工）委{F09}个、党总支{F10}个、联合党支部{F11}个，党支部{F12}个，党员{F13}名。"
        "现将{我地}基层党建工作情况具体汇报如下："),
    "opening_branch": "{组织名称}现有党员{F13}名。现将{我地}基层党建工作情况具体汇报如下：",
    "work_intro": (
        "{起始年}年以来，{地名}以习近平新时代中国特色社会主义思想为指导，深入学习宣传贯彻落实党的十九大和二中、三中、"
        "四中全会精神，扎实推进不忘初心、牢记使命常态化制度化，以市委党建工作方案计划为统领，以打造党建示范点为抓手，"
        "全领域推进{全域}基层党建工作，基层党组织整体功能不断强化，为{地名}决战脱贫攻坚提供了坚强组织保证。"),
    "work_1": (
        "（一）坚持精准发力，推进重点工作。一是突出制度建设，积极探索，大胆实践，先后运用“一征三议两公开”工作法解决各类事项"
        "{F14}件，纠纷有效调处化解率{F15升降}，三级便民服务平台受理服务事项{F16}件，查处发生在群众身边的“四风”和腐败案件"
        "{F17}件。二是突出区域化党建。在{全域}所有街道和社区建立了区域党委和党建联席会议制度，参与共驻共建党组织{F18}个，"
        "吸纳兼职委员{F19}名，协商解决问题{F20}个，承诺共建事项{F21}余项，共享场地、物资等{F22}个（处），实现了事务共商、"
        "资源共享。三是突出“两新”党建。扎实开展“两新”组织“集中排查、集中组建、集中培训”活动，深化“两新”党组织"
        "“星级创评、分类定级”工作，对评选出的星级“两新”党组织，按星级分别给予党建经费补助，进一步激发“两新”组织做好"
        "党建工作的热情。四是突出党员教育管理。先后审批发展党员{F23}人，其中女性{F24}人，{F25}岁以下{F26}人，大专以上文化"
        "{F27}人，“两新”组织{F28}人，党员结构进一步优化。依托“{待填}党建服务平台”，创新推出组织关系在线接转、“三会一课”"
        "线上调阅等功能，先后在线接转组织关系{F29}人次，调阅“三会一课”记录{F30}余条，受理开放式组织生活基地网上预约"
        "{F31}批，推送政治生日短信{F32}条。"),
    "work_2": (
        "（二）注重工作创新，激发党建活力。一是创新工作模式。探索建立了以党建为引领，以“三社联动”服务平台为支撑，"
        "以社区公共服务标准化、志愿服务规范化为标志的社区治理服务新机制，为党员群众提供{F33}大类{F34}项便民服务。"
        "二是创新服务模式。按照“一社一特色”党建服务品牌创建目标，对基层服务型党组织建设实施“项目化”管理，先后打造"
        "社区党建特色品牌{F35}余个，如{品牌}等，形成了品牌效应助推{全域}基层党建发展的新局面。三是创新组织生活模式。"
        "整合辖区各类党建资源，打造{F36}个不同类型的开放式组织生活基地，先后有{F37}余名党员到基地开展组织生活。"
        "四是创新地企党建模式。建立国有企业党建联席会议制度，创新地企党建新模式，为推动国有企业党建工作搭建平台，"
        "实现了资源共享，共同发展。"),
    "work_3": (
        "（三）强化工作保障，夯实基层基础。一是强化阵地提升。加大党建经费保障力度，先后投入{F38}余万元，对各街道党建阵地"
        "实施改扩建和提升、改造，完善提升服务功能，更好服务辖区群众。二是强化队伍建设。为每个社区配备{F39}名专职副书记，"
        "建立了{F40}~{F41}人的后备干部队伍。推动“两新”党组织书记与经营管理人员交叉任职，优化党组织书记队伍结构。"
        "加大培训力度，组织社区、“两新”以及支部党组织书记进行培训，并分批次组织到{待填}参观学习。三是强化待遇保障。"
        "将社区运转经费和工作人员工资列入财政预算，城市社区和村改居社区党组织书记工作报酬，分别由原来的{F42}元/月和"
        "{F43}元/月，提高到{F44}元/月和{F45}元/月，各社区工作经费、党建工作经费、服务群众专项经费达到{F46}万元以上。"
        "四是强化工作落实。建立党建工作联席例会制度，明确每月第一周召开工作例会并建立例会工作台账，通过一月一主题，"
        "赛进度亮成绩，查问题找原因，交任务抓落实，有效推动了党建工作任务的落实。"),
    "problems_intro": (
        "{起始年}年以来，{地名}在加强基层组织建设方面做了很多工作，取得了较好成效。在看到成绩的同时，我们也深知自己的工作"
        "与上级的要求和党员群众的期望还有较大的差距，工作中仍然存在着一些不容忽视的薄弱环节和问题，主要表现在以下几个方面："),
    "measures_intro": (
        "针对存在问题，我们将主动学习习近平新时代中国特色社会主义思想，认真贯彻落实各级关于加强基层组织建设的具体要求，"
        "积极创新，扎实工作，努力把基层党建工作提高到一个新水平。"),
    "measures_1": (
        "（一）充分发挥“两新”党组织的政治引领作用。一是探索推进互联网企业、产业园区、商务楼宇、商业街区、专业市场等"
        "新兴领域党建工作，不断延伸党建工作触角。二是在“两新”党组织中深入推进“双培”工程，着力把骨干培养成党员、"
        "把党员培养成骨干。三是加强对企业出资人、党组织书记和党务工作者培育力度，每年至少组织{待填}次集中培训，"
        "以党建工作助推企业转型升级。"),
    "measures_2": (
        "（二）进一步加大机关党建工作的力度。教育引导机关党组织书记严格落实党建责任，履行主业主责；深入开展机关党员"
        "“亮身份、当先锋”和机关党员进社区活动；全面规范机关党组织设置及换届工作，加强机关党务干部培养，促进机关党建不断提升。"),
    "measures_3": (
        "（三）全面规范基层支部组织生活制度。强化对基层“三会一课”等党内制度的督促指导，对{全域}基层各党组织活动开展情况"
        "实行线上线下督查调阅，通过月通报、季评比等方式把督促基层党组织党内生活制度抓在平常、严在经常。"),
    "measures_4": (
        "（四）压实党建责任落实。进一步健全完善党建考核机制，量化对各级党组织党建工作考核任务指标；坚持问题导向，"
        "对考核中发现的问题，一个一个抓整改、一件一件抓落实；加大党建工作考核结果的运用力度，将党建工作情况与干部的"
        "提拔任用、评优评先等硬指标挂钩，压实书记抓党建第一责任人职责。"),
    "measures_5": (
        "（五）做好“两委”换届选举工作。通过内部选、上级派、社会招等多种方式，选优配强社区党组织书记，优化社区党组织"
        "班子队伍年龄、学历结构。加大教育培训力度，努力提升基层党组织带头人和党务工作者队伍的政治意识和工作能力。"),
}

ALLOWED = set(FIGURE_IDS) | set(NAMES) | {f"{i}{CHANGE_SUFFIX}" for i in CHANGE_FIGURES}


def check(text: str) -> list[str]:
    """Messages naming every unknown placeholder and unbalanced brace ([] when the text is fine)."""
    if not (text or "").strip():
        return ["内容不能为空"]
    errors = []
    unknown = [name for name in _TOKEN.findall(text) if name not in ALLOWED]
    if unknown:
        names = "、".join(f"{{{n}}}" for n in dict.fromkeys(unknown))
        errors.append(f"占位符{names}无法识别；可用的占位符：{{F01}}至{{F46}}（数字）、"
                      f"{'、'.join('{' + i + CHANGE_SUFFIX + '}' for i in CHANGE_FIGURES)}（升降）、"
                      f"{'、'.join('{' + n + '}' for n in NAMES)}")
    rest = _TOKEN.sub("", text)
    if "{" in rest or "}" in rest:
        errors.append("花括号不成对：占位符应写成“{F13}”这样的形式")
    if len(text) > MAX_LENGTH:
        errors.append(f"内容过长（{len(text)}字），请控制在{MAX_LENGTH}字以内")
    return errors


@dataclass(frozen=True)
class Segment:
    """A piece of a rendered paragraph: plain text, a figure's value, or a visible blank."""

    text: str
    kind: str = "text"  # "text", "value", "blank"
    figure: str = ""  # the figure id behind a value or a blank


def change_phrase(value) -> str:
    if value is None:
        return ""
    if value > 0:
        return f"上升{fmt(value)}个百分点"
    if value < 0:
        return f"下降{fmt(-value)}个百分点"
    return "与上一期持平"


def render(text: str, figures: dict, names: dict[str, str]) -> list[Segment]:
    """The template filled in: a list of segments (values and blanks marked, for the page and the .docx)."""
    out: list[Segment] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            out.append(Segment(text[pos:m.start()]))
        name = m.group(1)
        pos = m.end()
        if name in BY_ID:
            value = figures.get(name)
            out.append(Segment(fmt(value), "value", name) if value is not None else Segment(BLANK, "blank", name))
        elif name.endswith(CHANGE_SUFFIX) and name[:-len(CHANGE_SUFFIX)] in BY_ID:
            fid = name[:-len(CHANGE_SUFFIX)]
            value = figures.get(fid)
            out.append(Segment(change_phrase(value), "value", fid) if value is not None
                       else Segment(f"上升（下降）{BLANK}个百分点", "blank", fid))
        elif name in names and names[name] and name != "待填":
            out.append(Segment(names[name]))
        elif name in NAMES:
            out.append(Segment(BLANK, "blank", ""))
        else:
            out.append(Segment(m.group(0)))
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def current_texts() -> dict[str, str]:
    """The county's texts, the default for every section it has not edited."""
    from .models import ReportTemplate

    saved = dict(ReportTemplate.objects.values_list("key", "text"))
    return {key: saved.get(key) or DEFAULTS[key] for key in SECTION_KEYS}


def validate(texts: dict[str, str]) -> None:
    errors = {}
    for key in SECTION_KEYS:
        if key in texts:
            messages = check(texts[key])
            if messages:
                errors[key] = messages
    if errors:
        raise ValidationError(errors)
