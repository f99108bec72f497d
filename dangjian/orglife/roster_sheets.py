"""The roster workbook's sheet 组织生活: a branch's 三会一课 ledger kept in Excel.

Checked like the other sheets (all or nothing, faults by row and column); re-importing the same
sheet changes nothing. Natural key: (所在党组织, 活动类型, 日期, 开始时间). An imported record is marked
as coming from the ledger (台账导入) and is not judged as recorded late; a changed row updates its
record (a locked record gets an amendment "台账导入更正").
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Iterable, Optional


from dangjian.core.scope import is_in_subtree
from dangjian.core import roles
from dangjian.core import audit
from dangjian.core.models import AuditLog
from dangjian.register.models import Organization
from dangjian.register.vocab import BRANCH_TYPES
from dangjian.roster.cells import CellError, RowReader, number_as_text, parse_date, parse_text
from dangjian.roster.sheets import SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler

from . import rules
from .models import Activity, Amendment, Base
from .vocab import TYPE_BY_LABEL, ActivityType, Source

SHEET = "组织生活"
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")
COMPARED = ("end_time", "place", "host", "recorder", "topic", "expected_count", "present_count", "leave_count",
            "lecturer")


def parse_time(value: Any) -> Optional[datetime.time]:
    """HH:MM text, an Excel time cell (a time or a fraction of a day) or a date-time cell's time."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return datetime.time(minutes // 60, minutes % 60)
    text = parse_text(value)
    match = _TIME.match(text or "")
    if match:
        h, m = int(match.group(1)), int(match.group(2))
        if h < 24 and m < 60:
            return datetime.time(h, m)
        raise CellError(f"时间“{text}”不存在")
    raise CellError(f"无法识别的时间“{text}”：应为 HH:MM，例如 09:30")


def parse_count(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        raise CellError("人数应为整数")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise CellError(f"人数“{number_as_text(value)}”应为不小于0的整数")
    text = parse_text(value)
    if text and text.isdigit():
        return int(text)
    raise CellError(f"人数“{text}”应为不小于0的整数")


def _current(activity: Activity, field: str) -> Any:
    """A record's value as the sheet shows it (a record at a registered base shows the base's name)."""
    if field == "place":
        return activity.place or (activity.base.name if activity.base_id else "")
    return getattr(activity, field)


def _hhmm(t: datetime.time) -> str:
    return t.strftime("%H:%M")


class OrglifeSheet(SheetHandler):
    sheet_name = SHEET
    order = 50
    columns = [
        Column("所在党组织", required=True, width=30),
        Column("活动类型", required=True, width=14),
        Column("日期", required=True, width=12),
        Column("开始时间", required=True, width=10, text=True),
        Column("结束时间", required=True, width=10, text=True),
        Column("地点", required=True, width=24),
        Column("主持人", required=True, width=10),
        Column("记录人", width=10),
        Column("主题", required=True, width=40),
        Column("应到人数", required=True, width=10),
        Column("实到人数", required=True, width=10),
        Column("请假人数", width=10),
        Column("授课人", width=10),
    ]

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    # --- check ---------------------------------------------------------------------------------
    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = []
        for row in rows:
            reader = RowReader(ctx, SHEET, row)
            item = {
                "_row": row.number,
                "org_name": reader.get("所在党组织", parse_text, required=True),
                "type_label": reader.get("活动类型", parse_text, required=True),
                "date": reader.get("日期", parse_date, required=True),
                "start_time": reader.get("开始时间", parse_time, required=True),
                "end_time": reader.get("结束时间", parse_time, required=True),
                "place": reader.get("地点", parse_text, required=True, max_length=200) or "",
                "host": reader.get("主持人", parse_text, required=True, max_length=50) or "",
                "recorder": reader.get("记录人", parse_text, max_length=50) or "",
                "topic": reader.get("主题", parse_text, required=True, max_length=300) or "",
                "expected_count": reader.get("应到人数", parse_count, required=True),
                "present_count": reader.get("实到人数", parse_count, required=True),
                "leave_count": reader.get("请假人数", parse_count, default=0),
                "lecturer": reader.get("授课人", parse_text, max_length=50) or "",
            }
            t = None
            if item["type_label"] is not None:
                t = TYPE_BY_LABEL.get(item["type_label"])
                if t is None:
                    reader.fault("活动类型", f"“{item['type_label']}”不是规定的取值，应为：{'、'.join(ActivityType.labels)}")
            item["activity_type"] = t
            reader.faults("日期", rules.check_held_not_future(item["date"], ctx.today))
            reader.faults("结束时间", rules.check_times(item["start_time"], item["end_time"]))
            if None not in (item["expected_count"], item["present_count"], item["leave_count"]):
                reader.faults("实到人数", rules.check_counts(item["expected_count"], item["present_count"],
                                                           item["leave_count"]))
            if t == ActivityType.PARTY_LECTURE and not item["lecturer"] and reader.has("授课人"):
                reader.fault("授课人", "党课须填写授课人")
            if t == ActivityType.PARTY_LECTURE and not reader.has("授课人"):
                reader.fault("授课人", "党课须填写授课人（工作表缺少“授课人”列）")
            if t and t != ActivityType.PARTY_LECTURE and item["lecturer"]:
                reader.fault("授课人", "授课人只适用于党课")
            item["_ok"] = not reader.faulty
            parsed.append(item)

        self._check_organisations(parsed, ctx)
        seen: dict[tuple, int] = {}
        for item in parsed:
            if not item["_ok"]:
                continue
            key = (item["org_name"], item["activity_type"], item["date"], item["start_time"])
            if key in seen:
                ctx.fault(SHEET, item["_row"], "开始时间",
                          f"与第{seen[key]}行重复：同一党组织同一天同一开始时间的{item['type_label']}只能有一条")
                item["_ok"] = False
            else:
                seen[key] = item["_row"]
        self.items = [i for i in parsed if i["_ok"]]

    def _check_organisations(self, parsed: list[dict], ctx: ImportContext) -> None:
        names = {i["org_name"] for i in parsed if i["org_name"]}
        db = {o.name: o for o in Organization.objects.filter(name__in=names)}
        workbook = ctx.shared.get(SHARED_WORKBOOK_ORGS, {}) or {}
        for item in parsed:
            name = item["org_name"]
            if not name:
                continue
            entry = workbook.get(name)
            if entry is not None:
                org_type = entry[0] if isinstance(entry, (tuple, list)) else entry
                active = entry[1] if isinstance(entry, (tuple, list)) and len(entry) > 1 else True
                in_scope = True  # the 党组织 sheet judged its own rows' scope
            elif name in db:
                org = db[name]
                org_type, active = org.org_type, org.is_active
                in_scope = ctx.scope_org is None or is_in_subtree(org, ctx.scope_org)
            else:
                ctx.fault(SHEET, item["_row"], "所在党组织", f"党组织“{name}”在本工作簿和系统中都不存在")
                item["_ok"] = False
                continue
            if not in_scope:
                ctx.fault(SHEET, item["_row"], "所在党组织", f"党组织“{name}”不在您的管理范围内")
                item["_ok"] = False
            elif org_type not in BRANCH_TYPES:
                ctx.fault(SHEET, item["_row"], "所在党组织", f"组织生活记录由党支部登记，“{name}”是{org_type}")
                item["_ok"] = False
            elif not active:
                ctx.fault(SHEET, item["_row"], "所在党组织", f"党组织“{name}”已停用")
                item["_ok"] = False

    # --- write ---------------------------------------------------------------------------------
    def _existing(self, orgs: dict[str, Organization]) -> dict[tuple, Activity]:
        if not self.items:
            return {}
        dates = [i["date"] for i in self.items]
        qs = (Activity.objects.filter(organization__in=list(orgs.values()), date__gte=min(dates), date__lte=max(dates))
              .select_related("base", "organization"))
        return {(a.organization_id, a.activity_type, a.date, a.start_time): a for a in qs}

    def _plan(self):
        orgs = {o.name: o for o in Organization.objects.filter(name__in={i["org_name"] for i in self.items})}
        existing = self._existing(orgs)
        create, update, unchanged = [], [], 0
        for item in self.items:
            org = orgs[item["org_name"]]
            current = existing.get((org.pk, item["activity_type"], item["date"], item["start_time"]))
            if current is None:
                create.append((org, item))
            elif any(_current(current, f) != item[f] for f in COMPARED):
                update.append((current, item))
            else:
                unchanged += 1
        return create, update, unchanged

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        try:
            create, update, unchanged = self._plan()
        except Exception:
            return None
        return {"created": len(create), "updated": len(update), "unchanged": unchanged}

    def write(self, ctx: ImportContext) -> dict[str, int]:
        create, update, unchanged = self._plan()
        bases = dict(Base.objects.filter(name__in={i["place"] for _, i in create}).values_list("name", "pk"))
        new = []
        for org, item in create:
            a = Activity(
                organization=org, activity_type=item["activity_type"], date=item["date"],
                start_time=item["start_time"], end_time=item["end_time"], place=item["place"],
                base_id=bases.get(item["place"]), host=item["host"], recorder=item["recorder"], topic=item["topic"],
                lecturer=item["lecturer"], expected_count=item["expected_count"], present_count=item["present_count"],
                leave_count=item["leave_count"], source=Source.IMPORT, recorded_on=ctx.today, is_late=False,
                created_by=getattr(ctx.actor, "user", None),
            )
            a.quorum_met = rules.quorum_met(a.activity_type, a.expected_count, a.present_count)
            new.append((a, org))
        Activity.objects.bulk_create([a for a, _ in new], batch_size=1000)
        entries = []
        for a, org in new:
            entries.append(audit.audit_entry(
                actor=ctx.actor, action=AuditLog.Action.CREATED, object_type="orglife.activity", object_id=str(a.pk),
                object_repr=str(a)[:255], scope_path=org.path, note="台账导入",
                changes={"topic": [None, a.topic], "date": [None, a.date.isoformat()],
                         "activity_type": [None, a.get_activity_type_display()]}))
        changed, amendments = [], []
        for a, item in update:
            changes = {}
            for f in COMPARED:
                old, new_value = _current(a, f), item[f]
                if old != new_value:
                    changes[f] = [_hhmm(old) if isinstance(old, datetime.time) else old,
                                  _hhmm(new_value) if isinstance(new_value, datetime.time) else new_value]
                    setattr(a, f, new_value)
            a.quorum_met = rules.quorum_met(a.activity_type, a.expected_count, a.present_count)
            changed.append(a)
            locked = rules.is_locked(a.recorded_on, ctx.today)
            if locked:
                amendments.append(Amendment(activity=a, reason="台账导入更正", changes=changes,
                                            actor=getattr(ctx.actor, "user", None), actor_name=ctx.actor.display_name))
            entries.append(audit.audit_entry(
                actor=ctx.actor, action=AuditLog.Action.CHANGED, object_type="orglife.activity", object_id=str(a.pk),
                object_repr=str(a)[:255], scope_path=a.organization.path, changes=changes,
                note="台账导入" + ("（更正已锁定记录）" if locked else "")))
        Activity.objects.bulk_update(changed, list(COMPARED) + ["quorum_met"], batch_size=1000)
        Amendment.objects.bulk_create(amendments)
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

    # --- export --------------------------------------------------------------------------------
    def export_rows(self, user, scope_org: Optional[Any], **options: Any) -> Optional[Iterable[list[Any]]]:
        if user is not None and not roles.is_staff(user):
            return None
        qs = Activity.objects.all() if user is None else Activity.objects.for_user(user)
        if scope_org is not None:
            qs = qs.in_subtree(scope_org)
        if options.get("date_from"):
            qs = qs.filter(date__gte=options["date_from"])
        if options.get("date_to"):
            qs = qs.filter(date__lte=options["date_to"])
        qs = qs.select_related("organization", "base").order_by("organization__path", "date", "start_time", "id")
        return (
            [a.organization.name, a.get_activity_type_display(), a.date, _hhmm(a.start_time), _hhmm(a.end_time),
             a.place or (a.base.name if a.base_id else ""), a.host, a.recorder or None, a.topic, a.expected_count,
             a.present_count, a.leave_count, a.lecturer or None]
            for a in qs.iterator(chunk_size=2000)
        )


SHEETS = [OrglifeSheet]
