"""Every write of the cadres app: one durable transaction, an explicit actor, the audit row inside.

Services validate with ``rules`` and raise ``ValidationError({field: [message]})`` in Chinese; nothing
is half-written. The Excel import (roster_sheets.py) uses the same rules in bulk.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Iterable, Optional

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangjian.core import audit, extensions
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if as _raise_if
from dangjian.register import rules as register_rules
from dangjian.register.models import Division, Member, Organization
from dangjian.register.vocab import DivisionCategory

from . import rules
from .models import (
    Cadre, Candidate, CommunityFund, Election, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment, Vetting,
)
from .vocab import (
    CandidateState, ElectionStatus, FundCategory, Post, TEAM_POSTS, TraineeRole, VettingOutcome,
)

COMMUNITY_CATEGORIES = (DivisionCategory.URBAN_COMMUNITY, DivisionCategory.VILLAGE_TO_COMMUNITY)


def _add(errors: dict, field: str, messages: Iterable[str]) -> None:
    messages = list(messages)
    if messages:
        errors.setdefault(field, []).extend(messages)


def _created(actor: Actor, obj, note: str = "") -> None:
    fields = getattr(obj, "AUDITED_FIELDS", ())
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=obj,
                 changes={k: [None, v] for k, v in audit.snapshot(obj, fields).items() if v not in (None, "")},
                 note=note)


def _changed(actor: Actor, obj, before: dict, note: str = "") -> dict:
    changes = audit.diff(before, audit.snapshot(obj, obj.AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=obj, changes=changes, note=note)
    return changes


def _deleted(actor: Actor, obj, note: str = "") -> None:
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=obj,
                 changes={k: [v, None] for k, v in audit.snapshot(obj, getattr(obj, "AUDITED_FIELDS", ())).items()},
                 note=note)


def _save(obj, key_message: str) -> None:
    """Save, turning a unique-key clash raced past the checks into the same Chinese message."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"__all__": [key_message]}) from None


# --- People --------------------------------------------------------------------------------------

def fill_person(obj, id_number: str, education: str = "") -> None:
    """Set the encrypted ID number, the member it links to (by keyed digest) and the facts the
    structure counts read: from the member record when registered, else from the ID number."""
    id_number = register_rules.normalise_id_number(id_number or "")
    obj.id_number = id_number
    member = Member.objects.with_id_number(id_number).first() if id_number else None
    obj.member = member
    if member is not None:
        obj.sex, obj.birth_date = member.sex, member.birth_date
        obj.education = education or member.education
    else:
        birth, sex = rules.person_facts(id_number)
        obj.birth_date, obj.sex = birth, sex or ""
        obj.education = education or ""


# --- Cadres --------------------------------------------------------------------------------------

CADRE_FIELDS = ("organization", "name", "post", "started_on", "ended_on", "one_shoulder", "concurrent_post",
                "education", "note")


def check_cadre(data: dict[str, Any], *, instance: Optional[Cadre] = None, on: Optional[datetime.date] = None) -> None:
    errors: dict[str, list[str]] = {}
    on = on or today()
    org = data.get("organization")
    if not (data.get("name") or "").strip():
        _add(errors, "name", ["请填写姓名"])
    if data.get("post") not in Post.values:
        _add(errors, "post", [f"职务“{data.get('post')}”不是规定的取值，应为：{'、'.join(Post.values)}"])
    if not data.get("started_on"):
        _add(errors, "started_on", ["请填写任职日期"])
    _add(errors, "ended_on", rules.check_service_dates(data.get("started_on"), data.get("ended_on")))
    _add(errors, "started_on", rules.check_not_future("任职日期", data.get("started_on"), on))
    _add(errors, "ended_on", rules.check_not_future("离任日期", data.get("ended_on"), on))
    _add(errors, "id_number", rules.check_id_number(data.get("id_number") or ""))
    if data.get("one_shoulder") and data.get("post") != Post.SECRETARY:
        _add(errors, "one_shoulder", ["“一肩挑”只适用于书记"])
    if org is not None and not org.is_active and instance is None:
        _add(errors, "organization", [f"党组织“{org.name}”已停用"])
    if org is not None and data.get("post") == Post.SECRETARY and data.get("started_on") and not errors.get("ended_on"):
        others = Cadre.objects.filter(organization=org, post=Post.SECRETARY)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        _add(errors, "started_on", rules.check_one_secretary(
            data["started_on"], data.get("ended_on"), others.values_list("name", "started_on", "ended_on"), org.name))
    if org is not None and data.get("name") and data.get("post") and data.get("started_on"):
        same = Cadre.objects.filter(organization=org, name=data["name"].strip(), post=data["post"],
                                    started_on=data["started_on"])
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            _add(errors, "name", [f"{org.name}已登记{data['name']}自{data['started_on']:%Y-%m-%d}任{data['post']}"])
    _raise_if(errors)


def _cadre_data(fields: dict[str, Any]) -> dict[str, Any]:
    data = {k: fields.get(k) for k in CADRE_FIELDS}
    data["name"] = (data.get("name") or "").strip()
    data["one_shoulder"] = bool(data.get("one_shoulder"))
    data["concurrent_post"] = (data.get("concurrent_post") or "").strip()
    data["education"] = data.get("education") or ""
    data["note"] = (data.get("note") or "").strip()
    data["id_number"] = register_rules.normalise_id_number(fields.get("id_number") or "")
    return data


def _lock_for_secretary(data: dict) -> None:
    """Serialise secretary changes of one organisation (PostgreSQL row lock), so that two people
    entering overlapping secretaries at once cannot both pass the one-secretary check."""
    if data.get("post") == Post.SECRETARY and data.get("organization") is not None:
        list(Organization.objects.select_for_update().filter(pk=data["organization"].pk).values_list("pk", flat=True))


def _secretary_posts_changed(actor: Actor, *cadres_or_org_ids) -> None:
    """After the commit, tell the accounts app (core.extensions.posts_changed) that these organisations'
    secretary posts changed, so their holders' accounts follow at once (issue 14)."""
    ids = {c if isinstance(c, int) else c.organization_id for c in cadres_or_org_ids
           if isinstance(c, int) or getattr(c, "post", None) == Post.SECRETARY}
    if ids:
        # robust: the posts are saved; a failing reconcile is logged and the daily command catches up.
        transaction.on_commit(lambda: extensions.posts_changed(ids, actor=actor), robust=True)


@transaction.atomic(durable=True)
def create_cadre(*, actor: Actor, **fields: Any) -> Cadre:
    data = _cadre_data(fields)
    _lock_for_secretary(data)
    check_cadre(data)
    cadre = Cadre(**{k: v for k, v in data.items() if k not in ("id_number", "education")},
                  election=fields.get("election"))
    fill_person(cadre, data["id_number"], data["education"])
    _save(cadre, "同一党组织同一时期只能有一名书记，或该任职已登记")
    _created(actor, cadre)
    _secretary_posts_changed(actor, cadre)
    return cadre


@transaction.atomic(durable=True)
def update_cadre(cadre: Cadre, *, actor: Actor, **fields: Any) -> Cadre:
    cadre = Cadre.objects.select_for_update().select_related("organization").get(pk=cadre.pk)
    was = (cadre.organization_id,) if cadre.post == Post.SECRETARY else ()
    merged = {k: fields.get(k, getattr(cadre, k)) for k in CADRE_FIELDS}
    merged["id_number"] = fields.get("id_number", cadre.id_number)
    data = _cadre_data(merged)
    _lock_for_secretary(data)
    check_cadre(data, instance=cadre)
    before = audit.snapshot(cadre, Cadre.AUDITED_FIELDS)
    old_hash = cadre.id_number_hash
    for k, v in data.items():
        if k not in ("id_number", "education"):
            setattr(cadre, k, v)
    fill_person(cadre, data["id_number"], data["education"])
    _save(cadre, "同一党组织同一时期只能有一名书记，或该任职已登记")
    changes = _changed(actor, cadre, before)
    if cadre.id_number_hash != old_hash and not changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=cadre, changes={"id_number": ["***", "***"]})
    _secretary_posts_changed(actor, cadre, *was)
    return cadre


@transaction.atomic(durable=True)
def end_cadre(cadre: Cadre, *, actor: Actor, ended_on: datetime.date, note: str = "") -> Cadre:
    """离任: the person serves up to the day before ``ended_on``."""
    cadre = Cadre.objects.select_for_update().select_related("organization").get(pk=cadre.pk)
    errors: dict[str, list[str]] = {}
    if ended_on is None:
        _add(errors, "ended_on", ["请填写离任日期"])
    _add(errors, "ended_on", rules.check_service_dates(cadre.started_on, ended_on))
    _add(errors, "ended_on", rules.check_not_future("离任日期", ended_on, today()))
    _raise_if(errors)
    before = audit.snapshot(cadre, Cadre.AUDITED_FIELDS)
    cadre.ended_on = ended_on
    if note:
        cadre.note = note[:200]
    cadre.save()
    _changed(actor, cadre, before, note="离任")
    _secretary_posts_changed(actor, cadre)
    return cadre


@transaction.atomic(durable=True)
def delete_cadre(cadre: Cadre, *, actor: Actor) -> None:
    cadre = Cadre.objects.select_related("organization").get(pk=cadre.pk)
    _deleted(actor, cadre)
    _secretary_posts_changed(actor, cadre)
    cadre.delete()


# --- Training ------------------------------------------------------------------------------------

def check_training_class(data: dict[str, Any], *, instance: Optional[TrainingClass] = None) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("name") or "").strip():
        _add(errors, "name", ["请填写培训班名称"])
    _add(errors, "ended_on", rules.check_class_dates(data.get("started_on"), data.get("ended_on")))
    _add(errors, "hours", rules.check_hours(data.get("hours")))
    _add(errors, "started_on", rules.check_not_future("开始日期", data.get("started_on"), today()))
    if data.get("name") and data.get("started_on"):
        same = TrainingClass.objects.filter(name=data["name"].strip(), started_on=data["started_on"])
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            _add(errors, "name", [f"培训班“{data['name']}”（{data['started_on']:%Y-%m-%d}开班）已登记"])
    _raise_if(errors)


CLASS_FIELDS = ("name", "started_on", "ended_on", "hours", "audience", "organization")


@transaction.atomic(durable=True)
def create_training_class(*, actor: Actor, **fields: Any) -> TrainingClass:
    data = {k: fields.get(k) for k in CLASS_FIELDS}
    data["name"] = (data["name"] or "").strip()
    data["audience"] = data.get("audience") or ""
    check_training_class(data)
    tc = TrainingClass(**data)
    _save(tc, "该培训班已登记")
    _created(actor, tc)
    return tc


@transaction.atomic(durable=True)
def update_training_class(tc: TrainingClass, *, actor: Actor, **fields: Any) -> TrainingClass:
    tc = TrainingClass.objects.select_for_update().get(pk=tc.pk)
    data = {k: fields.get(k, getattr(tc, k)) for k in CLASS_FIELDS}
    data["name"] = (data["name"] or "").strip()
    data["audience"] = data.get("audience") or ""
    check_training_class(data, instance=tc)
    before = audit.snapshot(tc, TrainingClass.AUDITED_FIELDS)
    for k, v in data.items():
        setattr(tc, k, v)
    _save(tc, "该培训班已登记")
    _changed(actor, tc, before)
    return tc


@transaction.atomic(durable=True)
def delete_training_class(tc: TrainingClass, *, actor: Actor) -> None:
    tc = TrainingClass.objects.select_related("organization").get(pk=tc.pk)
    _deleted(actor, tc, note=f"连同{tc.attendances.count()}条参训记录")
    tc.delete()


def attendee_warning(name: str, organization: Organization, id_number: str = "",
                     known_names: Optional[set[str]] = None) -> str:
    """A training row for a person who is neither a cadre nor a member of the organisation named:
    a warning (a new name is accepted), never a refusal."""
    if known_names is not None:
        if name in known_names:
            return ""
    else:
        if Cadre.objects.filter(organization=organization, name=name).exists():
            return ""
        if Member.objects.filter(organization=organization, name=name).exists():
            return ""
        if id_number and Member.objects.with_id_number(id_number).filter(organization=organization).exists():
            return ""
    return f"“{name}”不是“{organization.name}”登记的干部或党员，已按新姓名登记，请核对"


def match_cadre(training_day: datetime.date, organization: Organization, name: str, id_hash: str) -> Optional[Cadre]:
    """The cadre the attendance is of: by ID number, else by name and organisation (serving first)."""
    qs = Cadre.objects.all()
    if id_hash:
        found = qs.filter(id_number_hash=id_hash).order_by("-started_on").first()
        if found:
            return found
    candidates = list(qs.filter(organization=organization, name=name).order_by("-started_on"))
    serving = [c for c in candidates if c.serves_on(training_day)]
    return (serving or candidates or [None])[0]


@transaction.atomic(durable=True)
def add_attendance(training: TrainingClass, *, actor: Actor, name: str, organization: Organization, role: str,
                   id_number: str = "") -> tuple[TrainingAttendance, str]:
    """Register one attendee; returns the record and a warning ("" when the person is known)."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        _add(errors, "name", ["请填写姓名"])
    if role not in TraineeRole.values:
        _add(errors, "role", [f"参训身份应为：{'、'.join(TraineeRole.values)}"])
    _add(errors, "id_number", rules.check_id_number(id_number))
    if name and TrainingAttendance.objects.filter(training=training, name=name, organization=organization).exists():
        _add(errors, "name", [f"{organization.name}的{name}已在本培训班名单中"])
    _raise_if(errors)
    warning = attendee_warning(name, organization, register_rules.normalise_id_number(id_number))
    a = TrainingAttendance(training=training, name=name, organization=organization, role=role)
    fill_person(a, id_number)
    a.cadre = match_cadre(training.started_on, organization, name, a.id_number_hash)
    _save(a, f"{organization.name}的{name}已在本培训班名单中")
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=a, object_repr=f"{training.name} {name}"[:255],
                 changes={"name": [None, name], "organization": [None, organization.name], "role": [None, role]},
                 note=warning)
    return a, warning


@transaction.atomic(durable=True)
def tick_attendance(training: TrainingClass, *, actor: Actor, cadres: Iterable[Cadre]) -> int:
    """Tick serving cadres as attending (those already listed are left alone); returns how many were added."""
    listed = set(TrainingAttendance.objects.filter(training=training).values_list("name", "organization_id"))
    added = 0
    for c in cadres:
        if (c.name, c.organization_id) in listed:
            continue
        role = TraineeRole.SECRETARY if c.post == Post.SECRETARY else TraineeRole.PARTY_WORKER
        a = TrainingAttendance(training=training, name=c.name, organization=c.organization, role=role, cadre=c,
                               id_number_encrypted=c.id_number_encrypted, id_number_hash=c.id_number_hash,
                               member=c.member, sex=c.sex, birth_date=c.birth_date, education=c.education)
        a.save()
        listed.add((c.name, c.organization_id))
        audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=a, object_repr=f"{training.name} {c.name}"[:255],
                     changes={"name": [None, c.name], "organization": [None, c.organization.name]}, note="勾选出席")
        added += 1
    return added


@transaction.atomic(durable=True)
def delete_attendance(attendance: TrainingAttendance, *, actor: Actor) -> None:
    a = TrainingAttendance.objects.select_related("training", "organization").get(pk=attendance.pk)
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=a, object_repr=f"{a.training.name} {a.name}"[:255],
                 changes={"name": [a.name, None]})
    a.delete()


# --- Pay standards, funds, investments ---------------------------------------------------------

def _amount(errors: dict, field: str, value, label: str) -> Optional[Decimal]:
    if value is None or value == "":
        _add(errors, field, [f"请填写{label}"])
        return None
    try:
        return rules.parse_amount(value, label)
    except ValueError as err:
        _add(errors, field, [str(err)])
        return None


def _keyed_save(model, instance, key: dict, data: dict, *, actor: Actor, duplicate: str, errors: dict):
    clash = model.objects.filter(**key)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        _add(errors, "__all__", [duplicate])
    _raise_if(errors)
    if instance is None:
        obj = model(**data)
        _save(obj, duplicate)
        _created(actor, obj)
        return obj
    obj = model.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(obj, model.AUDITED_FIELDS)
    for k, v in data.items():
        setattr(obj, k, v)
    _save(obj, duplicate)
    _changed(actor, obj, before)
    return obj


@transaction.atomic(durable=True)
def save_pay_standard(instance: Optional[PayStandard] = None, *, actor: Actor, category: str, post: str, amount,
                      effective_on: datetime.date) -> PayStandard:
    errors: dict[str, list[str]] = {}
    value = _amount(errors, "amount", amount, "月标准")
    if not effective_on:
        _add(errors, "effective_on", ["请填写执行日期"])
    data = {"category": category, "post": post, "amount": value, "effective_on": effective_on}
    return _keyed_save(PayStandard, instance, {"category": category, "post": post, "effective_on": effective_on}, data,
                       actor=actor, errors=errors,
                       duplicate=f"{category}{post}自{effective_on}执行的标准已登记" if effective_on else "该标准已登记")


def _check_community(errors: dict, division: Optional[Division]) -> None:
    if division is None:
        _add(errors, "division", ["请选择所在行政区划"])
    elif division.category not in COMMUNITY_CATEGORIES:
        _add(errors, "division", [f"社区经费按城市社区或村改居社区登记，“{division.name}”是{division.category}"])


@transaction.atomic(durable=True)
def save_community_fund(instance: Optional[CommunityFund] = None, *, actor: Actor, division: Division, year: int,
                        category: str, amount) -> CommunityFund:
    errors: dict[str, list[str]] = {}
    _check_community(errors, division)
    value = _amount(errors, "amount", amount, "金额")
    if category not in FundCategory.values:
        _add(errors, "category", [f"经费类别应为：{'、'.join(FundCategory.values)}"])
    if not year or not (1949 <= int(year) <= today().year + 1):
        _add(errors, "year", ["年度应为四位年份"])
    data = {"division": division, "year": year, "category": category, "amount": value}
    return _keyed_save(CommunityFund, instance, {"division": division, "year": year, "category": category}, data,
                       actor=actor, errors=errors,
                       duplicate=f"{getattr(division, 'name', '')}{year}年的{category}已登记（同一年度同一类别只能登记一次）")


@transaction.atomic(durable=True)
def delete_keyed(obj, *, actor: Actor) -> None:
    obj = type(obj).objects.get(pk=obj.pk)
    _deleted(actor, obj)
    obj.delete()


@transaction.atomic(durable=True)
def save_venue_investment(instance: Optional[VenueInvestment] = None, *, actor: Actor, division: Division,
                          project: str, invested_on: datetime.date, amount) -> VenueInvestment:
    errors: dict[str, list[str]] = {}
    if division is None:
        _add(errors, "division", ["请选择所在行政区划"])
    project = (project or "").strip()
    if not project:
        _add(errors, "project", ["请填写项目名称"])
    if not invested_on:
        _add(errors, "invested_on", ["请填写投入日期"])
    _add(errors, "invested_on", rules.check_not_future("投入日期", invested_on, today()))
    value = _amount(errors, "amount", amount, "金额")
    data = {"division": division, "project": project, "invested_on": invested_on, "amount": value}
    return _keyed_save(VenueInvestment, instance, {"division": division, "project": project, "invested_on": invested_on},
                       data, actor=actor, errors=errors, duplicate=f"“{project}”在该日期的投入已登记")


# --- Elections -----------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def create_election(*, actor: Actor, organization: Organization, planned_on: datetime.date, plan: str = "") -> Election:
    errors: dict[str, list[str]] = {}
    if not planned_on:
        _add(errors, "planned_on", ["请填写计划选举日期"])
    if Election.objects.filter(organization=organization, status__in=[ElectionStatus.PLANNED, ElectionStatus.VETTING]).exists():
        _add(errors, "organization", [f"{organization.name}已有进行中的换届选举"])
    _raise_if(errors)
    e = Election(organization=organization, term_ends_on=organization.term_ends_on, planned_on=planned_on,
                 plan=plan or "")
    _save(e, f"{organization.name}已有进行中的换届选举")
    _created(actor, e)
    return e


@transaction.atomic(durable=True)
def update_election(election: Election, *, actor: Actor, planned_on: datetime.date, plan: str = "") -> Election:
    e = Election.objects.select_for_update().select_related("organization").get(pk=election.pk)
    if not e.is_open:
        raise ValidationError({"__all__": ["选举已结束或已取消，不能修改方案"]})
    before = audit.snapshot(e, Election.AUDITED_FIELDS)
    e.planned_on, e.plan = planned_on, plan or ""
    e.save()
    _changed(actor, e, before)
    return e


@transaction.atomic(durable=True)
def cancel_election(election: Election, *, actor: Actor, reason: str) -> Election:
    e = Election.objects.select_for_update().select_related("organization").get(pk=election.pk)
    if not e.is_open:
        raise ValidationError({"__all__": ["只有进行中的换届选举可以取消"]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写取消理由"]})
    before = audit.snapshot(e, Election.AUDITED_FIELDS)
    e.status, e.result_note = ElectionStatus.CANCELLED, reason.strip()
    e.save()
    _changed(actor, e, before, note="取消换届选举")
    return e


@transaction.atomic(durable=True)
def add_candidate(election: Election, *, actor: Actor, name: str, post: str, id_number: str = "",
                  education: str = "") -> Candidate:
    e = Election.objects.select_for_update().select_related("organization").get(pk=election.pk)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not e.is_open:
        _add(errors, "__all__", ["选举已结束或已取消，不能再提名候选人"])
    if not name:
        _add(errors, "name", ["请填写姓名"])
    if post not in TEAM_POSTS:
        _add(errors, "post", [f"拟任职务应为：{'、'.join(TEAM_POSTS)}"])
    _add(errors, "id_number", rules.check_id_number(id_number))
    if name and Candidate.objects.filter(election=e, name=name, post=post).exists():
        _add(errors, "name", [f"{name}已是{post}候选人"])
    _raise_if(errors)
    c = Candidate(election=e, name=name, post=post)
    fill_person(c, id_number, education)
    _save(c, f"{name}已是{post}候选人")
    _created(actor, c)
    if e.status == ElectionStatus.PLANNED:
        Election.objects.filter(pk=e.pk).update(status=ElectionStatus.VETTING)
    return c


def candidate_state(outcomes: dict[str, str], departments: list[str]) -> str:
    """联审: any department's 不通过 fails the candidate; passed once every department named in the
    setting has answered 通过; otherwise still pending."""
    if any(o == VettingOutcome.FAILED for o in outcomes.values()):
        return CandidateState.FAILED
    if departments and all(outcomes.get(d) == VettingOutcome.PASSED for d in departments):
        return CandidateState.PASSED
    return CandidateState.PENDING


@transaction.atomic(durable=True)
def record_vetting(candidate: Candidate, *, actor: Actor, department: str, outcome: str, negative_item: str = "",
                   reason: str = "", vetted_on: Optional[datetime.date] = None) -> Vetting:
    c = Candidate.objects.select_for_update().select_related("election__organization").get(pk=candidate.pk)
    errors: dict[str, list[str]] = {}
    departments = rules.vetting_departments()
    negatives = rules.negative_list()
    if not c.election.is_open:
        _add(errors, "__all__", ["选举已结束或已取消"])
    if department not in departments:
        _add(errors, "department", [f"联审部门应为：{'、'.join(departments)}"])
    if outcome not in VettingOutcome.values:
        _add(errors, "outcome", ["请选择联审结果：通过或不通过"])
    if outcome == VettingOutcome.FAILED:
        if negative_item not in negatives:
            _add(errors, "negative_item", ["不通过时须选择负面清单中的情形"])
        if not (reason or "").strip():
            _add(errors, "reason", ["不通过时须写明理由"])
    if outcome == VettingOutcome.PASSED and negative_item:
        _add(errors, "negative_item", ["通过时不填负面清单情形"])
    vetted_on = vetted_on or today()
    _add(errors, "vetted_on", rules.check_not_future("联审日期", vetted_on, today()))
    _raise_if(errors)
    v, created = Vetting.objects.update_or_create(
        candidate=c, department=department,
        defaults={"outcome": outcome, "negative_item": negative_item or "", "reason": (reason or "").strip(),
                  "vetted_on": vetted_on, "created_by": actor.user})
    outcomes = dict(c.vettings.values_list("department", "outcome"))
    state = candidate_state(outcomes, departments)
    if state != c.state:
        Candidate.objects.filter(pk=c.pk).update(state=state)
    audit.record(actor=actor, action=AuditLog.Action.CREATED if created else AuditLog.Action.CHANGED, obj=c,
                 object_type="cadres.vetting", object_repr=f"{c.name} 联审（{department}）",
                 changes={"outcome": [None, VettingOutcome(outcome).label], "state": [c.state, state]},
                 note=(f"{negative_item}：{reason}" if negative_item else reason or ""))
    return v


@transaction.atomic(durable=True)
def record_result(election: Election, *, actor: Actor, held_on: datetime.date, elected: Iterable[Candidate],
                  one_shoulder: bool = False, note: str = "") -> Election:
    """The election's result: the elected candidates (联审 passed) take their posts on ``held_on``;
    every team member of the organisation serving the day before leaves on ``held_on``; the new term
    ends after the county's term length (setup.term_years_*)."""
    e = Election.objects.select_for_update().select_related("organization").get(pk=election.pk)
    org = e.organization
    elected = list(elected)
    errors: dict[str, list[str]] = {}
    if not e.is_open:
        _add(errors, "__all__", ["选举已结束或已取消"])
    if not held_on:
        _add(errors, "held_on", ["请填写选举日期"])
    _add(errors, "held_on", rules.check_not_future("选举日期", held_on, today()))
    if not elected:
        _add(errors, "elected", ["请选择当选人"])
    for c in elected:
        if c.election_id != e.pk:
            _add(errors, "elected", [f"{c.name}不是本次选举的候选人"])
        elif c.state != CandidateState.PASSED:
            _add(errors, "elected", [f"{c.name}未通过联审（{c.get_state_display()}），不能确定为当选"])
    if sum(1 for c in elected if c.post == Post.SECRETARY) > 1:
        _add(errors, "elected", ["只能有一名书记当选"])
    _raise_if(errors)
    outgoing = (Cadre.objects.select_for_update().filter(organization=org, post__in=TEAM_POSTS)
                .serving_on(held_on - datetime.timedelta(days=1)))
    for old in outgoing:
        if old.started_on >= held_on:
            raise ValidationError({"held_on": [f"{old.name}的任职日期{old.started_on:%Y-%m-%d}不早于选举日期"]})
        before = audit.snapshot(old, Cadre.AUDITED_FIELDS)
        old.ended_on = held_on
        old.save()
        _changed(actor, old, before, note=f"换届离任（{e}）")
    for c in elected:
        new = Cadre(organization=org, name=c.name, post=c.post, started_on=held_on, election=e,
                    one_shoulder=one_shoulder and c.post == Post.SECRETARY,
                    id_number_encrypted=c.id_number_encrypted, id_number_hash=c.id_number_hash, member=c.member,
                    sex=c.sex, birth_date=c.birth_date, education=c.education)
        others = Cadre.objects.filter(organization=org, post=Post.SECRETARY).values_list("name", "started_on", "ended_on")
        if c.post == Post.SECRETARY:
            problems = rules.check_one_secretary(held_on, None, others, org.name)
            if problems:
                raise ValidationError({"held_on": problems})
        _save(new, f"{c.name}的任职已登记")
        _created(actor, new, note=f"换届当选（{e}）")
    Candidate.objects.filter(pk__in=[c.pk for c in elected]).update(elected=True)
    before = audit.snapshot(e, Election.AUDITED_FIELDS)
    e.status, e.held_on, e.result_note = ElectionStatus.HELD, held_on, note or ""
    e.save()
    _changed(actor, e, before, note="登记选举结果")
    term_key = ("setup.term_years_village_community" if org.unit_type in ("村", "社区")
                else "setup.term_years_other_branch")
    new_end = register_rules.add_years(held_on, get_setting(term_key)) - datetime.timedelta(days=1)
    if org.term_ends_on != new_end:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=org,
                     changes={"term_ends_on": [org.term_ends_on, new_end]}, note=f"换届选举（{held_on:%Y-%m-%d}）")
        Organization.objects.filter(pk=org.pk).update(term_ends_on=new_end)
    _secretary_posts_changed(actor, org.pk)
    return e
