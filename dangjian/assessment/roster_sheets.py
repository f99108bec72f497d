"""The workbook sheet 整改台账 (ledger-sheets.md): the rectification ledger kept in Excel.

Checked with every other sheet (all or nothing, faults by row and column); key 问题编号: re-importing
the same sheet changes nothing, a changed row updates its problem. 反复出现 is recomputed for the
organisations and categories touched. Imported by the superior levels (county, township organisers):
a branch does not verify or sign off its own problems.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Optional

from dangjian.core import audit
from dangjian.core.models import AuditLog
from dangjian.core.scope import is_in_subtree, subtree_q
from dangjian.register.models import Organization
from dangjian.roster.cells import RowReader, parse_choice, parse_date, parse_text
from dangjian.roster.sheets import SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler

from . import rules
from .models import SUPERIOR_ROLES, Problem
from .vocab import ProblemCategory, ProblemSource, Verdict

SHEET = "整改台账"
FIELDS = ("organization_id", "source", "category", "description", "found_on", "deadline", "measures", "responsible",
          "completed_on", "verified_on", "verdict", "signed_off_on")


class ProblemSheet(SheetHandler):
    sheet_name = SHEET
    order = 90
    columns = [
        Column("问题编号", required=True, width=12, text=True),
        Column("所在党组织", required=True, width=30),
        Column("问题来源", required=True, width=10),
        Column("问题类别", required=True, width=10),
        Column("问题描述", required=True, width=40),
        Column("发现日期", required=True, width=12),
        Column("整改时限", required=True, width=12),
        Column("整改措施", width=30),
        Column("责任人", required=True, width=10),
        Column("整改完成日期", width=12),
        Column("复查日期", width=12),
        Column("复查结论", width=10),
        Column("销号日期", width=12),
    ]

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        user = getattr(ctx.actor, "user", None)
        if user is not None and not user.is_superuser and user.role not in SUPERIOR_ROLES:
            for row in rows[:1]:
                ctx.fault(SHEET, row.number, "", "整改台账由上级党组织（组织员、县委组织部）导入：党支部不能为本组织复查、销号")
            return
        parsed, seen = [], {}
        for row in rows:
            r = RowReader(ctx, SHEET, row)
            item = {
                "_row": row.number,
                "number": r.get("问题编号", parse_text, required=True, max_length=30),
                "org_name": r.get("所在党组织", parse_text, required=True),
                "source": r.get("问题来源", parse_choice, ProblemSource, required=True),
                "category": r.get("问题类别", parse_choice, ProblemCategory, required=True),
                "description": r.get("问题描述", parse_text, required=True) or "",
                "found_on": r.get("发现日期", parse_date, required=True),
                "deadline": r.get("整改时限", parse_date, required=True),
                "measures": r.get("整改措施", parse_text) or "",
                "responsible": r.get("责任人", parse_text, required=True, max_length=50) or "",
                "completed_on": r.get("整改完成日期", parse_date),
                "verified_on": r.get("复查日期", parse_date),
                "verdict": r.get("复查结论", parse_choice, Verdict) or "",
                "signed_off_on": r.get("销号日期", parse_date),
            }
            if not r.faulty:
                errors = rules.check_problem_dates(item["found_on"], item["deadline"], item["completed_on"], ctx.today)
                for field, column in (("found_on", "发现日期"), ("deadline", "整改时限"), ("completed_on", "整改完成日期")):
                    r.faults(column, errors[field])
                v = rules.check_verification(item["completed_on"], item["verified_on"], item["verdict"], ctx.today)
                r.faults("复查日期", v["verified_on"])
                r.faults("复查结论", v["verdict"])
                r.faults("销号日期", rules.check_sign_off(item["verified_on"], item["verdict"], item["signed_off_on"],
                                                        ctx.today))
            if item["number"]:
                if item["number"] in seen:
                    r.fault("问题编号", f"与第{seen[item['number']]}行重复")
                else:
                    seen[item["number"]] = row.number
            item["_ok"] = not r.faulty
            parsed.append(item)
        self._check_organisations(parsed, ctx)
        self.items = [i for i in parsed if i["_ok"]]

    def _check_organisations(self, parsed, ctx) -> None:
        names = {i["org_name"] for i in parsed if i["org_name"]}
        db = {o.name: o for o in Organization.objects.filter(name__in=names)}
        workbook = ctx.shared.get(SHARED_WORKBOOK_ORGS, {}) or {}
        for item in parsed:
            name = item["org_name"]
            if not name:
                continue
            if name in db:
                org = db[name]
                if ctx.scope_org is not None and not is_in_subtree(org, ctx.scope_org):
                    ctx.fault(SHEET, item["_row"], "所在党组织", f"党组织“{name}”不在您的管理范围内")
                    item["_ok"] = False
            elif name not in workbook:
                ctx.fault(SHEET, item["_row"], "所在党组织", f"党组织“{name}”在本工作簿和系统中都不存在")
                item["_ok"] = False
        numbers = [i["number"] for i in parsed if i["_ok"]]
        if ctx.scope_org is not None:
            foreign = set(Problem.objects.filter(number__in=numbers).exclude(
                subtree_q(ctx.scope_org, "organization")).values_list("number", flat=True))
            for item in parsed:
                if item["_ok"] and item["number"] in foreign:
                    ctx.fault(SHEET, item["_row"], "问题编号", f"问题编号“{item['number']}”已被管理范围外的问题使用")
                    item["_ok"] = False

    def _plan(self):
        orgs = {o.name: o for o in Organization.objects.filter(name__in={i["org_name"] for i in self.items})}
        existing = {p.number: p for p in Problem.objects.filter(number__in=[i["number"] for i in self.items])}
        create, update, unchanged = [], [], 0
        for item in self.items:
            values = {k: item[k] for k in FIELDS if k != "organization_id"}
            values["organization_id"] = orgs[item["org_name"]].pk
            current = existing.get(item["number"])
            if current is None:
                create.append((item["number"], values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                update.append((current, values))
            else:
                unchanged += 1
        return orgs, create, update, unchanged

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        try:
            _, create, update, unchanged = self._plan()
        except Exception:
            return None
        return {"created": len(create), "updated": len(update), "unchanged": unchanged}

    def write(self, ctx: ImportContext) -> dict[str, int]:
        from .services import refresh_recurrence

        orgs, create, update, unchanged = self._plan()
        paths = {o.pk: o.path for o in orgs.values()}
        new = [Problem(number=n, **v) for n, v in create]
        Problem.objects.bulk_create(new, batch_size=1000)
        entries = [audit.audit_entry(actor=ctx.actor, action=AuditLog.Action.CREATED, object_type="assessment.problem",
                                     object_id=str(p.pk), object_repr=str(p)[:255], scope_path=paths[p.organization_id],
                                     note="台账导入", changes={"number": [None, p.number], "category": [None, p.category]})
                   for p in new]
        pairs = {(p.organization_id, p.category) for p in new}
        changed = []
        for p, values in update:
            pairs.add((p.organization_id, p.category))
            changes = {k: [audit.plain(getattr(p, k)), audit.plain(v)] for k, v in values.items() if getattr(p, k) != v}
            for k, v in values.items():
                setattr(p, k, v)
            changed.append(p)
            pairs.add((p.organization_id, p.category))
            entries.append(audit.audit_entry(actor=ctx.actor, action=AuditLog.Action.CHANGED,
                                             object_type="assessment.problem", object_id=str(p.pk),
                                             object_repr=str(p)[:255], scope_path=paths[p.organization_id],
                                             note="台账导入", changes=changes))
        Problem.objects.bulk_update(changed, list(FIELDS), batch_size=1000)
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        refresh_recurrence(pairs)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

    def export_rows(self, user, scope_org: Optional[Any], **options: Any) -> Optional[Iterable[list[Any]]]:
        if user is not None and not (user.is_superuser or user.role in ("county_admin", "organiser", "secretary")):
            return None
        qs = Problem.objects.all() if user is None else Problem.objects.for_user(user)
        if scope_org is not None:
            qs = qs.filter(subtree_q(scope_org, "organization"))
        if options.get("date_from"):
            qs = qs.filter(found_on__gte=options["date_from"])
        if options.get("date_to"):
            qs = qs.filter(found_on__lte=options["date_to"])
        return ([p.number, p.organization.name, p.source, p.category, p.description, p.found_on, p.deadline,
                 p.measures or None, p.responsible, p.completed_on, p.verified_on, p.verdict or None, p.signed_off_on]
                for p in qs.select_related("organization").order_by("number"))


SHEETS = [ProblemSheet]
