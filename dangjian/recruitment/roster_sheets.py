"""The roster workbook's sheet 发展党员: recruitments under way (or completed), one row each.

Columns: the person's columns of the 党员 sheet (``register.roster_sheets.person.PERSON_COLUMNS``, read by
its ``read_person`` and ``read_id_number``), then one date column per completed step,
titled with the step's circled number and name (``⑮支部大会讨论``, ``㉓支部大会讨论``). The dates
are judged by ``rules.check_timeline`` (the same rule functions the step form uses, as far as
dates alone allow). Natural key: the 公民身份号码; a re-import that adds later steps to a file
appends them, the same workbook twice changes nothing.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Optional

from dangjian.core.scope import is_in_subtree
from dangjian.core import roles
from dangjian.core import audit, crypto
from dangjian.core.models import AuditLog
from dangjian.register import rules as register_rules
from dangjian.register.models import Member, Organization
from dangjian.register.roster_sheets.person import (
    PERSON_COLUMNS, masked_cell, read_id_number, read_key, read_person, unmask,
)
from dangjian.roster.cells import RowReader, parse_date
from dangjian.roster.sheets import SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler

from . import rules, services
from .models import Recruitment, Status
from .steps import STEPS

SHEET = "发展党员"
# The file's stable key (issue 14): a masked 公民身份号码 left as exported keeps the stored number.
KEY_COLUMN = "纪实编号"
STEP_COLUMNS = [Column(s.title, required=(s.number == 1), width=max(12, len(s.title) * 2)) for s in STEPS.values()]


class RecruitmentSheet(SheetHandler):
    sheet_name = SHEET
    order = 40
    columns = PERSON_COLUMNS + STEP_COLUMNS + [Column(KEY_COLUMN, width=10, text=True)]

    def __init__(self):
        self.items: list[dict] = []
        self.plan = {"created": 0, "updated": 0, "unchanged": 0}

    # --- check ---------------------------------------------------------------------------------

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        seen: dict[str, int] = {}
        keys = set()
        for row in rows:
            raw_key = row.values.get(KEY_COLUMN)
            if masked_cell(row.values.get("公民身份号码")) and raw_key is not None:
                text = str(raw_key).split(".")[0].strip()
                if text.isdigit():
                    keys.add(int(text))
        stored = {r.pk: r.id_number for r in Recruitment.objects.filter(pk__in=keys).only("pk", "id_number_encrypted")}
        for row in rows:
            r = RowReader(ctx, SHEET, row)
            person = read_person(r)  # the 党员 sheet's person cells, read the same way
            birth = person["birth_date"]
            masked = masked_cell(row.values.get("公民身份号码"))
            if masked:
                key = read_key(r, KEY_COLUMN)
                id_number = unmask(r, "公民身份号码", masked, stored.get(key), crypto.mask_id_number)
                errors = register_rules.check_id_number(id_number, birth, person["sex"]) if id_number else []
            else:
                id_number, errors = read_id_number(r, birth, person["sex"])
            if id_number is not None:
                r.faults("公民身份号码", errors)
                if errors:
                    id_number = None
                elif id_number in seen:
                    r.fault("公民身份号码", f"公民身份号码与第{seen[id_number]}行重复：同一人只能有一份进行中的发展党员纪实")
                    id_number = None
                else:
                    seen[id_number] = row.number
            dates: dict[int, datetime.date] = {}
            for step in STEPS.values():
                day = r.get(step.title, parse_date, required=step.number == 1)
                if day is not None:
                    dates[step.number] = day
            r.faults("出生日期", register_rules.check_not_future("出生日期", birth, ctx.today))
            if 1 in dates or r.has(STEPS[1].title):
                for step, failure in rules.check_timeline(birth, dates, ctx.today):
                    r.fault(STEPS[step].title, failure.message)
            self.items.append({"_row": row.number, "_faulty": r.faulty, **person, "id_number": id_number,
                               "dates": dates})
        self._check_against_database(ctx)

    def _check_against_database(self, ctx: ImportContext) -> None:
        workbook_orgs: dict[str, tuple] = ctx.shared.get(SHARED_WORKBOOK_ORGS, {})
        names = {i["_org"] for i in self.items if i["_org"]}
        db_orgs = {name: (org_type, active, path) for name, org_type, active, path in
                   Organization.objects.filter(name__in=names).values_list("name", "org_type", "is_active", "path")}
        for item in self.items:
            org, row = item["_org"], item["_row"]
            if not org:
                continue
            if org in workbook_orgs:
                org_type, active = workbook_orgs[org]
            elif org in db_orgs:
                org_type, active, path = db_orgs[org]
                if ctx.scope_org is not None and not is_in_subtree(path, ctx.scope_org):
                    ctx.fault(SHEET, row, "所在党组织", f"党组织“{org}”不在您的管理范围内")
            else:
                ctx.fault(SHEET, row, "所在党组织", f"党组织“{org}”在本工作簿和系统中都不存在")
                continue
            for msg in rules.applicant_organization(org, org_type or None, active):
                ctx.fault(SHEET, row, "所在党组织", msg)

        items = [i for i in self.items if i["id_number"]]
        for item in items:
            item["_hash"] = crypto.lookup_hash(item["id_number"])
        hashes = [i["_hash"] for i in items]
        members = dict(Member.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", "joined_on"))
        open_files = {r.id_number_hash: r for r in Recruitment.objects.filter(id_number_hash__in=hashes)
                      .exclude(status=Status.CANCELLED).select_related("organization").prefetch_related("steps")}
        for item in items:
            row, dates = item["_row"], item["dates"]
            existing = open_files.get(item["_hash"])
            joined = members.get(item["_hash"])
            if existing is None:
                if joined is not None and 15 not in dates:
                    ctx.fault(SHEET, row, "公民身份号码", "该公民身份号码已是党员名册中的党员，不能再作为入党申请人导入")
                elif joined is not None and joined != dates.get(15):
                    ctx.fault(SHEET, row, STEPS[15].title,
                              f"党员名册中该同志的入党日期为{joined:%Y-%m-%d}，与⑮支部大会讨论的日期不一致")
                if not item["_faulty"]:
                    self.plan["created"] += 1
                continue
            if ctx.scope_org is not None and not is_in_subtree(existing.organization, ctx.scope_org):
                ctx.fault(SHEET, row, "公民身份号码", "该同志的发展党员纪实不在您的管理范围内")
                continue
            recorded = {s.step: s.date for s in existing.steps.all()}
            differing = [n for n, day in recorded.items() if dates.get(n) != day]
            if differing:
                n = differing[0]
                ctx.fault(SHEET, row, STEPS[n].title,
                          f"平台已记录{STEPS[n].title}为{recorded[n]:%Y-%m-%d}，与本表不一致；已记录的步骤请在平台上核对更正")
                continue
            item["_existing"] = existing
            item["_new_steps"] = sorted(set(dates) - set(recorded))
            self.plan["updated" if item["_new_steps"] else "unchanged"] += 1

    def preview(self, ctx: ImportContext) -> dict[str, int]:
        return dict(self.plan)

    # --- write ---------------------------------------------------------------------------------

    def write(self, ctx: ImportContext) -> dict[str, int]:
        orgs = {o.name: o for o in Organization.objects.filter(name__in={i["_org"] for i in self.items})}
        entries: list[AuditLog] = []
        for item in self.items:
            existing = item.get("_existing")
            if existing is not None and not item["_new_steps"]:
                continue
            if existing is None:
                r = services.import_recruitment(actor=ctx.actor, organization=orgs[item["_org"]], dates=item["dates"],
                                                **{k: item[k] for k in ("name", "sex", "ethnicity", "id_number",
                                                                          "birth_date", "education", "occupation")})
                snap = audit.snapshot(r, Recruitment.AUDITED_FIELDS)
                snap["id_number"] = r.id_number_masked
                changes = audit.diff({}, snap)
            else:
                r = services.import_steps(existing, actor=ctx.actor, dates=item["dates"])
                changes = {}
            changes["steps"] = [None, "、".join(f"{STEPS[n].title} {d:%Y-%m-%d}" for n, d in sorted(item["dates"].items())
                                                if existing is None or n in item["_new_steps"])]
            entries.append(audit.audit_entry(
                actor=ctx.actor, action=AuditLog.Action.CREATED if existing is None else AuditLog.Action.CHANGED,
                object_type=Recruitment._meta.label_lower, object_id=str(r.pk), object_repr=r.name,
                scope_path=r.organization.path, changes=changes, note="名册导入"))
        AuditLog.objects.bulk_create(entries, batch_size=1000)
        return dict(self.plan)

    # --- export --------------------------------------------------------------------------------

    def export_rows(self, user, scope_org, **options) -> Optional[Iterable[list[Any]]]:
        if user is None:
            qs = Recruitment.objects.all()
        elif roles.is_member(user):
            return None
        else:
            qs = Recruitment.objects.for_user(user, "view")
        qs = qs.in_subtree(scope_org).exclude(status=Status.CANCELLED)
        full = user is None or user.may_view_full_pii

        def rows():
            for r in qs.select_related("organization").prefetch_related("steps").order_by(
                    "organization__path", "applied_on", "id").iterator(chunk_size=500):
                dates = {s.step: s.date for s in r.steps.all()}
                id_number = r.id_number if full else r.id_number_masked
                yield ([r.name, r.sex, r.ethnicity, id_number, r.birth_date, r.education, r.occupation,
                        r.organization.name] + [dates.get(n) for n in STEPS] + [str(r.pk)])
        return rows()


SHEETS = [RecruitmentSheet]
