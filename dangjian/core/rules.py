"""Rule parameters the county may change (domain-rules.md marks them "setting").

Each is declared once here with its type, default and the regulation it comes from; the value in
force is a RuleSetting row (created with the default by a migration), cached, changed only
through ``change_rule_setting`` which writes the audit row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from .actor import Actor


@dataclass(frozen=True)
class RuleParameter:
    key: str
    label: str
    type: type
    default: Any
    source: str
    minimum: Any = None
    maximum: Any = None
    help: str = ""
    #: ``((value, label), …)``: the value is one of these; the page shows a list of the labels, never
    #: the stored codes, and any other value is refused.
    choices: tuple = ()

    def label_of(self, value: Any) -> Any:
        """The label shown for ``value`` (the value itself when there are no choices)."""
        return dict(self.choices).get(value, value)

    def coerce(self, raw: Any) -> Any:
        if self.choices:
            value = str(raw).strip()
            if value not in dict(self.choices):
                allowed = "、".join(label for _v, label in self.choices)
                raise ValidationError(f"{self.label}：取值“{value}”无效，应为 {allowed} 之一")
            return value
        try:
            if self.type is bool:
                value = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "是", "on")
            else:
                value = self.type(raw)
        except (TypeError, ValueError):
            raise ValidationError(f"{self.label}：取值“{raw}”格式不正确") from None
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"{self.label}：不能小于 {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(f"{self.label}：不能大于 {self.maximum}")
        return value


PARAMETERS: dict[str, RuleParameter] = {}


def declare(*params: RuleParameter) -> None:
    for p in params:
        PARAMETERS[p.key] = p


declare(
    RuleParameter(
        "setup.branch_max_members", "党支部党员人数上限（超过即提示）", int, 50,
        "《中国共产党支部工作条例（试行）》第五条：党员人数一般不超过50人", minimum=3, maximum=500,
    ),
    RuleParameter(
        "setup.branch_min_full_members", "成立党支部所需正式党员下限", int, 3,
        "《中国共产党支部工作条例（试行）》第五条：正式党员3人以上的应当成立党支部", minimum=1, maximum=10,
    ),
    RuleParameter(
        "setup.term_years_village_community", "村、社区党支部每届任期（年）", int, 5,
        "《中国共产党农村基层组织工作条例》：村党组织每届任期5年", minimum=3, maximum=5,
    ),
    RuleParameter(
        "setup.term_years_other_branch", "其他党支部每届任期（年）", int, 3,
        "《中国共产党支部工作条例（试行）》第十七条", minimum=3, maximum=5,
    ),
    RuleParameter(
        "setup.term_warning_days", "届满提醒提前天数", int, 90, "换届提醒（本平台）", minimum=0, maximum=365,
    ),
    RuleParameter(
        "core.audit_retention_months", "操作日志保存月数（超过的日志可由定期任务删除，不少于6个月）", int, 12,
        "《中华人民共和国网络安全法》第二十一条、GB/T 22239-2019（等保 2.0）：网络日志留存不少于六个月",
        minimum=6, maximum=600,
    ),
)


def _cache_key(key: str) -> str:
    return f"rule-setting:{key}"


def get_setting(key: str) -> Any:
    from .models import RuleSetting

    param = PARAMETERS[key]
    cached = cache.get(_cache_key(key))
    if cached is not None:
        return cached
    row = RuleSetting.objects.filter(key=key).first()
    value = param.coerce(row.value) if row else param.default
    cache.set(_cache_key(key), value, 300)
    return value


@transaction.atomic
def change_rule_setting(key: str, raw_value: Any, *, actor: Actor):
    from . import audit
    from .models import AuditLog, RuleSetting

    param = PARAMETERS[key]
    value = param.coerce(raw_value)
    row, _ = RuleSetting.objects.select_for_update().get_or_create(key=key, defaults={"value": param.default})
    old = row.value
    if old == value:
        return row
    row.value = value
    row.save()
    audit.record(
        actor=actor, action=AuditLog.Action.SETTING_CHANGED, obj=row, object_repr=param.label,
        changes={"value": [old, value]},
    )
    transaction.on_commit(lambda: cache.delete(_cache_key(key)))
    return row


def ensure_defaults() -> None:
    """Insert a row with the default for every declared parameter that has none (idempotent)."""
    from .models import RuleSetting

    existing = set(RuleSetting.objects.values_list("key", flat=True))
    RuleSetting.objects.bulk_create(
        [RuleSetting(key=p.key, value=p.default) for k, p in PARAMETERS.items() if k not in existing]
    )
