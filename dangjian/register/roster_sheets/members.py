"""党员 (党员花名册)."""
from __future__ import annotations

import datetime
from typing import Any, Iterable

from django.db import connection
from django.utils import timezone

from dangjian.core.scope import is_in_subtree
from dangjian.core import audit_chain, crypto
from dangjian.core.models import AuditLog
from dangjian.roster.bulk import AuditWriter, deferred_indexes, insert_rows, reserve_ids
from dangjian.roster.cells import YES_NO, RowReader, number_as_text, parse_text, parse_yes_no
from dangjian.roster.sheets import SHARED_WORKBOOK_MEMBERS, SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler

from .. import figures, rules
from ..models import Member, Organization
from ..vocab import ROSTER_MEMBER_STATUSES, MemberStatus
from .common import OUT_OF_SCOPE, _chunks
from .person import (
    KEY_COLUMN, PERSON_COLUMNS, masked_cell, read_id_number, read_key, read_person, unmask,
)
from .readers import _choice, _date, _well_formed_id

_STATUS = {str(s) for s in ROSTER_MEMBER_STATUSES}
NORMAL = MemberStatus.NORMAL.value
_HINT_STATUS = "应为：正常、停止党籍"

MEMBER_FIELDS = ("name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization_id",
                 "joined_on", "full_on", "status", "is_floating")
# Sheet column → model field, for the optional columns (absent column: field left as it is).
OPTIONAL_MEMBER_COLUMNS = {"转正日期": "full_on", "党籍状态": "status", "是否流动党员": "is_floating", "手机号码": "phone"}


# The audit row of a member the import creates: {field: [None, value]} of these fields; the JSON text
# of the changes is CREATED_CHANGES_TEXT filled with audit_chain.json_text of each value in sorted order
# (birth_date … status); under_party_probation is False.
CREATED_CHANGES = ("birth_date", "education", "ethnicity", "full_on", "id_number", "is_floating", "joined_on",
                   "name", "occupation", "organization", "phone", "sex", "status", "under_party_probation")
CREATED_CHANGES_TEXT = audit_chain.changes_template(CREATED_CHANGES, fixed={"under_party_probation": False})


class MemberSheet(SheetHandler):
    """党员 (党员花名册): one row per member, matched by 党员编号 (the export's stable key) when given,
    else by 公民身份号码."""

    sheet_name = "党员"
    order = 30
    columns = PERSON_COLUMNS + [
        Column("入党日期", required=True, width=12),
        Column("转正日期", width=12),
        Column("党籍状态", width=10),
        Column("手机号码", width=14, text=True),
        Column("是否流动党员", width=12),
        # The member's stable key (issue 14): rows of an export are matched by it, so a masked number
        # left as exported keeps the stored one. Empty for a new member.
        Column(KEY_COLUMN, width=10, text=True),
    ]

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.plan = {"created": 0, "updated": 0, "unchanged": 0}

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        sheet = self.sheet_name
        today = ctx.today
        present = set(rows[0].values) if rows else set()
        self.present = present
        seen_ids: dict[str, int] = {}
        seen_keys: dict[int, int] = {}
        items = []
        # Stored numbers of the keyed rows whose cells are masked (decrypted only for those).
        masked_keys = set()
        for row in rows:
            v = row.values
            if masked_cell(v.get("公民身份号码")) or masked_cell(v.get("手机号码")):
                raw_key = v.get(KEY_COLUMN)
                if raw_key is not None and str(raw_key).split(".")[0].strip().isdigit():
                    masked_keys.add(int(str(raw_key).split(".")[0].strip()))
        stored: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(sorted(masked_keys)):
            for pk, id_enc, phone_enc in Member.objects.filter(pk__in=chunk).values_list(
                    "pk", "id_number_encrypted", "phone_encrypted"):
                stored[pk] = (crypto.decrypt(id_enc), crypto.decrypt(phone_enc) if phone_enc else "")
        for row in rows:
            r = RowReader(ctx, sheet, row)
            v = row.values
            key = read_key(r)
            if key is not None:
                if key in seen_keys:
                    r.fault(KEY_COLUMN, f"{KEY_COLUMN}与第{seen_keys[key]}行重复")
                    key = None
                else:
                    seen_keys[key] = row.number
            known = stored.get(key) if key is not None else None
            person = read_person(r)
            sex, birth = person["sex"], person["birth_date"]
            joined = _date(r, "入党日期", v.get("入党日期"), required=True)
            full = _date(r, "转正日期", v.get("转正日期"))
            raw_status = v.get("党籍状态")
            status = NORMAL if raw_status is None else _choice(
                r, "党籍状态", raw_status, _STATUS, _HINT_STATUS)
            raw_floating = v.get("是否流动党员")
            # Cells arrive trimmed, a text never empty (roster.sheets): 是/否 read directly, else parsed.
            floating = False if raw_floating is None else YES_NO.get(raw_floating) if raw_floating.__class__ is str \
                and raw_floating in YES_NO else r.get("是否流动党员", parse_yes_no)
            raw_phone = v.get("手机号码")
            phone = ""
            if masked_cell(raw_phone):
                phone = unmask(r, "手机号码", masked_cell(raw_phone), known[1] if known else None,
                               crypto.mask_phone) or ""
            elif raw_phone is not None:
                phone = raw_phone if raw_phone.__class__ is str else number_as_text(raw_phone) if isinstance(
                    raw_phone, (int, float)) and not isinstance(raw_phone, bool) else parse_text(raw_phone)
                r.faults("手机号码", rules.check_mobile(phone))

            if masked_cell(v.get("公民身份号码")):
                id_number = unmask(r, "公民身份号码", masked_cell(v.get("公民身份号码")),
                                   known[0] if known else None, crypto.mask_id_number)
                errors = rules.check_id_number(id_number, birth, sex) if id_number else []
            else:
                id_number, errors = read_id_number(r, birth, sex)
            if id_number is not None:
                if errors:
                    r.faults("公民身份号码", errors)
                    if not _well_formed_id(id_number):
                        id_number = None
                if id_number:
                    if id_number in seen_ids:
                        r.fault("公民身份号码", f"公民身份号码与第{seen_ids[id_number]}行重复")
                    else:
                        seen_ids[id_number] = row.number

            r.faults("出生日期", rules.check_not_future("出生日期", birth, today))
            r.faults("入党日期", rules.check_not_future("入党日期", joined, today))
            r.faults("转正日期", rules.check_not_future("转正日期", full, today))
            if birth and joined:
                r.faults("入党日期", rules.check_joining_age(birth, joined))
            if joined:
                r.faults("转正日期", rules.check_probation(joined, full))
                overdue = rules.check_probation_overdue(joined, full, today) if status == NORMAL else []
            items.append({
                "_row": row.number, "_key": key, **person, "id_number": id_number,
                "joined_on": joined, "full_on": full, "status": status, "is_floating": floating, "phone": phone,
                "_overdue": overdue if joined else [],
            })
        self.items = items
        self._check_against_database(ctx)

    def _check_against_database(self, ctx: ImportContext) -> None:
        sheet = self.sheet_name
        scope = ctx.scope_org
        # Organisations: of this workbook (already checked there) or of the database.
        workbook_orgs: dict[str, tuple] = ctx.shared.get(SHARED_WORKBOOK_ORGS, {})
        wanted = sorted({i["_org"] for i in self.items if i["_org"]} - set(workbook_orgs))
        db_orgs: dict[str, tuple] = {}
        for chunk in _chunks(wanted):
            for name, org_type, active, path in Organization.objects.filter(name__in=chunk).values_list(
                    "name", "org_type", "is_active", "path"):
                db_orgs[name] = (org_type, active, path)
        for item in self.items:
            org = item["_org"]
            if not org:
                continue
            if org in workbook_orgs:
                org_type, active = workbook_orgs[org]
                if org_type:
                    for msg in rules.check_member_organization(org, org_type, active):
                        ctx.fault(sheet, item["_row"], "所在党组织", msg)
            elif org in db_orgs:
                org_type, active, path = db_orgs[org]
                for msg in rules.check_member_organization(org, org_type, active):
                    ctx.fault(sheet, item["_row"], "所在党组织", msg)
                if scope is not None and not is_in_subtree(path, scope):
                    ctx.fault(sheet, item["_row"], "所在党组织", f"党组织“{org}”{OUT_OF_SCOPE}")
            else:
                ctx.fault(sheet, item["_row"], "所在党组织", f"党组织“{org}”在本工作簿和系统中都不存在")

        # Members already registered, by the digest of their number.
        by_hash: dict[str, dict] = {}
        numbered = [item for item in self.items if item["id_number"]]
        for item, digest in zip(numbered, crypto.lookup_hash_many([item["id_number"] for item in numbered])):
            item["_hash"] = digest
            by_hash[digest] = item
        ctx.shared[SHARED_WORKBOOK_MEMBERS] = {h: item["_org"] for h, item in by_hash.items()}
        existing: dict[str, dict] = {}
        columns = ("pk", "id_number_hash", "id_number_encrypted", "phone_hash", "phone_encrypted",
                   "organization_id") + tuple(f for f in MEMBER_FIELDS if f != "organization_id")
        if by_hash and Member.objects.exists():
            for chunk in _chunks(list(by_hash)):
                for row in Member.objects.filter(id_number_hash__in=chunk).values(*columns):
                    existing[row["id_number_hash"]] = row
        by_key: dict[int, dict] = {}
        keys = sorted({i["_key"] for i in self.items if i.get("_key") is not None})
        for chunk in _chunks(keys):
            for row in Member.objects.filter(pk__in=chunk).values(*columns):
                by_key[row["pk"]] = row
        org_info: dict[int, tuple[str, str]] = {}
        ids = sorted({row["organization_id"] for row in list(existing.values()) + list(by_key.values())})
        for chunk in _chunks(ids):
            for pk, name, path in Organization.objects.filter(pk__in=chunk).values_list("pk", "name", "path"):
                org_info[pk] = (name, path)
        self.existing = existing
        self.org_names_by_pk = {pk: name for pk, (name, _) in org_info.items()}
        for item in self.items:
            key = item.get("_key")
            # A key no longer in the database (a member restored from an old export): matched by number.
            if key is not None and key in by_key:
                row = by_key[key]
                other = existing.get(item.get("_hash"))
                if other is not None and other["pk"] != key:
                    for msg in rules.check_id_number_free(True):
                        ctx.fault(sheet, item["_row"], "公民身份号码", msg)
                    continue
            else:
                row = existing.get(item.get("_hash"))
            if item.get("_overdue"):
                # A probation over two years (issue 14): an error when this import writes it (a new member,
                # or 入党/转正日期 changed); a warning for a row the register already holds as it is.
                if row is None or (row["joined_on"], row["full_on"]) != (item["joined_on"], item["full_on"]):
                    for message in item["_overdue"]:
                        ctx.fault(sheet, item["_row"], "转正日期", message)
                    continue
                for message in item["_overdue"]:
                    ctx.warn(sheet, item["_row"], "转正日期", message)
            if row is None:
                self.plan["created"] += 1
                continue
            name, path = org_info[row["organization_id"]]
            if scope is not None and not is_in_subtree(path, scope):
                ctx.fault(sheet, item["_row"], "公民身份号码",
                          f"{rules.ID_NUMBER_TAKEN}，{OUT_OF_SCOPE}")
                continue
            item["_existing"] = row
            item["_changes"] = self._changes(row, item, name)
            self.plan["updated" if item["_changes"] else "unchanged"] += 1

    def _changes(self, row: dict, item: dict, old_org: str) -> dict[str, list]:
        out = {}
        if item.get("_hash") and item["_hash"] != row["id_number_hash"]:
            out["id_number"] = ["（原号码）", crypto.mask_id_number(item["id_number"])]
        for f in ("name", "sex", "ethnicity", "birth_date", "education", "occupation", "joined_on"):
            if row[f] != item[f]:
                out[f] = [_plain(row[f]), _plain(item[f])]
        if old_org != item["_org"]:
            out["organization"] = [old_org, item["_org"]]
        for column, f in OPTIONAL_MEMBER_COLUMNS.items():
            if column not in self.present:
                continue
            if f == "phone":
                if row["phone_hash"] != crypto.lookup_hash(item["phone"]):
                    out["phone"] = [crypto.mask_phone(crypto.decrypt(row["phone_encrypted"])),
                                    crypto.mask_phone(item["phone"])]
            elif row[f] != item[f]:
                out[f] = [_plain(row[f]), _plain(item[f])]
        return out

    def preview(self, ctx: ImportContext) -> dict[str, int]:
        return dict(self.plan)

    def write(self, ctx: ImportContext) -> dict[str, int]:
        actor = ctx.actor
        names = sorted({i["_org"] for i in self.items})
        org_pk: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(names):
            for name, pk, path in Organization.objects.filter(name__in=chunk).values_list("name", "pk", "path"):
                org_pk[name] = (pk, path)
        now = timezone.now()
        new_items: list[dict] = []
        changed: list[tuple[Member, dict]] = []
        for item in self.items:
            if "_existing" not in item:
                new_items.append(item)
            elif item["_changes"]:
                changed.append((Member(pk=item["_existing"]["pk"]), item))

        # A county's first roster (more new members than the register holds) fills both tables with their
        # secondary indexes built once at the end (roster.bulk.deferred_indexes).
        with deferred_indexes(Member, len(new_items)), deferred_indexes(AuditLog, len(new_items) + len(changed)):
            self._write_rows(actor, org_pk, now, new_items, changed)
        return dict(self.plan)

    def _write_rows(self, actor, org_pk: dict[str, tuple[int, str]], now: datetime.datetime, new_items: list[dict],
                    changed: list[tuple[Member, dict]]) -> None:
        # New members as plain rows (no model instance each): 100,000 in seconds.
        member_type = Member._meta.label_lower
        audit_rows = AuditWriter(actor)
        attnames = [f.attname for f in Member._meta.concrete_fields]
        new_ids = reserve_ids(Member, len(new_items))
        mask_id_number, mask_phone = crypto.mask_id_number, crypto.mask_phone
        id_numbers_encrypted = crypto.encrypt_many([item["id_number"] for item in new_items])
        phones = [item["phone"] for item in new_items]
        phones_encrypted, phone_hashes = crypto.encrypt_many(phones), crypto.lookup_hash_many(phones)
        at = {a: i for i, a in enumerate(attnames)}
        template = [None] * len(attnames)
        template[at["under_party_probation"]], template[at["created_at"]], template[at["updated_at"]] = False, now, now
        (i_id, i_name, i_sex, i_ethnicity, i_id_enc, i_id_hash, i_birth, i_education, i_occupation, i_org, i_joined,
         i_full, i_status, i_phone_enc, i_phone_hash, i_floating) = (at[a] for a in (
            "id", "name", "sex", "ethnicity", "id_number_encrypted", "id_number_hash", "birth_date", "education",
            "occupation", "organization_id", "joined_on", "full_on", "status", "phone_encrypted", "phone_hash",
            "is_floating"))
        created, add = AuditLog.Action.CREATED, audit_rows.add_text
        # A row that passed the checks has every value below; only 转正日期 may be empty. The text of a
        # str is audit_chain.json_text's, called directly.
        text, text_of_str = audit_chain.json_text, audit_chain.json_str
        rows = []
        for new_id, item, id_enc, phone_enc, phone_hash in zip(new_ids, new_items, id_numbers_encrypted,
                                                              phones_encrypted, phone_hashes):
            org_id, org_path = org_pk[item["_org"]]
            name, sex, ethnicity, birth, education, occupation, joined, full, status, floating, phone = (
                item["name"], item["sex"], item["ethnicity"], item["birth_date"], item["education"],
                item["occupation"], item["joined_on"], item["full_on"], item["status"], item["is_floating"],
                item["phone"])
            row = template.copy()
            row[i_id], row[i_name], row[i_sex], row[i_ethnicity] = new_id, name, sex, ethnicity
            row[i_id_enc], row[i_id_hash], row[i_birth] = id_enc, item["_hash"], birth
            row[i_education], row[i_occupation], row[i_org] = education, occupation, org_id
            row[i_joined], row[i_full], row[i_status] = joined, full, status
            row[i_phone_enc], row[i_phone_hash], row[i_floating] = phone_enc, phone_hash, floating
            rows.append(row)
            # The CREATED_CHANGES keys in sorted order.
            add(action=created, object_type=member_type, object_id=new_id, object_repr=name,
                scope_path=org_path, note="名册导入", changes_json=CREATED_CHANGES_TEXT % (
                    text_of_str(birth.isoformat()), text_of_str(education), text_of_str(ethnicity), text(full),
                    text_of_str(mask_id_number(item["id_number"])), "true" if floating else "false",
                    text_of_str(joined.isoformat()), text_of_str(name), text_of_str(occupation),
                    text_of_str(item["_org"]), text_of_str(mask_phone(phone)), text_of_str(sex), text_of_str(status)))
        if connection.vendor in ("sqlite", "postgresql"):
            insert_rows(Member, attnames, rows)
        else:
            Member.objects.bulk_create([Member(**dict(zip(attnames, r))) for r in rows], batch_size=500)

        if changed:
            fields = ["name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization_id",
                      "joined_on", "updated_at", "id_number_encrypted", "id_number_hash"]
            for column, f in OPTIONAL_MEMBER_COLUMNS.items():
                if column in self.present:
                    fields += ["phone_encrypted", "phone_hash"] if f == "phone" else [f]
            for m, item in changed:
                m.name, m.sex, m.ethnicity = item["name"], item["sex"], item["ethnicity"]
                m.birth_date, m.education, m.occupation = item["birth_date"], item["education"], item["occupation"]
                m.organization_id, m.joined_on, m.updated_at = org_pk[item["_org"]][0], item["joined_on"], now
                m.full_on, m.status, m.is_floating = item["full_on"], item["status"], item["is_floating"]
                if "id_number" in item["_changes"]:
                    m.id_number = item["id_number"]
                else:
                    m.id_number_encrypted = item["_existing"]["id_number_encrypted"]
                    m.id_number_hash = item["_existing"]["id_number_hash"]
                if "phone" in item["_changes"]:
                    m.phone = item["phone"]
                else:
                    m.phone_encrypted, m.phone_hash = item["_existing"]["phone_encrypted"], item["_existing"]["phone_hash"]
                changes = item["_changes"]
                action = AuditLog.Action.MOVED if set(changes) == {"organization"} else AuditLog.Action.CHANGED
                audit_rows.add(action=action, object_type=member_type, object_id=m.pk, object_repr=item["name"],
                               scope_path=org_pk[item["_org"]][1], changes=changes, note="名册导入")
            Member.objects.bulk_update([m for m, _ in changed], fields, batch_size=200)
        # Today's per-organisation member figures of every organisation touched, once the import commits.
        figures.organizations_changed({org_pk[i["_org"]][0] for i in new_items}
                                      | {org_pk[i["_org"]][0] for _m, i in changed}
                                      | {i["_existing"]["organization_id"] for _m, i in changed})
        audit_rows.flush()

    def export_rows(self, user, scope_org, **options) -> Iterable[list[Any]]:
        qs = Member.objects.all() if user is None else Member.objects.for_user(user, "view")
        if scope_org is not None:
            qs = qs.in_subtree(scope_org)
        qs = qs.exclude(status=MemberStatus.TRANSFERRED_OUT)
        full = user is None or user.may_view_full_pii

        def rows():
            for m in qs.select_related("organization").order_by("organization__path", "id").iterator(chunk_size=2000):
                id_number, phone = m.id_number, m.phone
                if not full:
                    id_number, phone = crypto.mask_id_number(id_number), crypto.mask_phone(phone)
                yield [m.name, m.sex, m.ethnicity, id_number, m.birth_date, m.education, m.occupation,
                       m.organization.name, m.joined_on, m.full_on, m.status, phone or None,
                       "是" if m.is_floating else "否", str(m.pk)]
        return rows()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value
