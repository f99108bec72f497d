"""SMS templates the county edits: placeholders in braces, e.g. "{姓名}同志：今天是您入党{周年}周年的政治生日".

Only the placeholders listed for a kind are allowed; anything else in braces, or a stray brace, is
refused when the template is saved, so a message never goes out with "{名字}" in it. SMS vendors
(Aliyun, Tencent Cloud) send pre-approved templates with parameters: each placeholder also has an
ASCII parameter name, and a message keeps its parameters in the template's order.
"""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# kind -> {placeholder: vendor parameter name}, in the order vendors' templates number them.
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "political_birthday": {"姓名": "name", "周年": "years", "入党日期": "joined", "组织名称": "org"},
}

DEFAULT_TEMPLATES = {
    "political_birthday": "{姓名}同志：今天是您入党{周年}周年的政治生日。不忘初心、牢记使命，感谢您为党的事业作出的贡献！{组织名称}",
}

_TOKEN = re.compile(r"\{([^{}]*)\}")


def check_template(kind: str, text: str) -> list[str]:
    """Messages naming every unknown placeholder and unbalanced brace ([] when the template is fine)."""
    allowed = PLACEHOLDERS.get(kind)
    if allowed is None:
        return [f"未知的短信类别“{kind}”"]
    if not (text or "").strip():
        return ["模板内容不能为空"]
    errors = []
    unknown = [name for name in _TOKEN.findall(text) if name not in allowed]
    if unknown:
        names = "、".join(f"{{{n}}}" for n in dict.fromkeys(unknown))
        usable = "、".join(f"{{{n}}}" for n in allowed)
        errors.append(f"模板中的占位符{names}无法识别，可用的占位符有：{usable}")
    rest = _TOKEN.sub("", text)
    if "{" in rest or "}" in rest:
        errors.append("模板中的花括号不成对：占位符应写成“{姓名}”这样的形式")
    if len(text) > 300:
        errors.append(f"模板过长（{len(text)}字），请控制在300字以内")
    return errors


def validate_template(kind: str, text: str) -> None:
    errors = check_template(kind, text)
    if errors:
        raise ValidationError({"text": errors})


def render(text: str, values: dict[str, object]) -> str:
    return _TOKEN.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def vendor_params(kind: str, values: dict[str, object]) -> dict[str, str]:
    """The values under their vendor parameter names, in the kind's placeholder order."""
    return {param: str(values[name]) for name, param in PLACEHOLDERS[kind].items() if name in values}


def template_text(kind: str) -> str:
    from .models import MessageTemplate

    row = MessageTemplate.objects.filter(kind=kind).first()
    return row.text if row else DEFAULT_TEMPLATES[kind]
