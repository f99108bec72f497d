"""Password rules of 等保 2.0 (GB/T 22239-2019 身份鉴别): at least 8 characters of at least three
character classes (upper-case letters, lower-case letters, digits, other characters), not containing
the user name. Chinese messages, one per rule broken."""
from __future__ import annotations

import string

from django.core.exceptions import ValidationError

MIN_LENGTH = 8
MIN_CLASSES = 3


def character_classes(password: str) -> int:
    return sum([
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() or c in string.punctuation for c in password),
    ])


class DengbaoPasswordValidator:
    """Django password validator (AUTH_PASSWORD_VALIDATORS) enforcing the rules above."""

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < MIN_LENGTH:
            errors.append(ValidationError(f"密码太短：至少 {MIN_LENGTH} 位", code="password_too_short"))
        if character_classes(password) < MIN_CLASSES:
            errors.append(ValidationError("密码须包含大写字母、小写字母、数字、其他符号中的至少三类",
                                          code="password_too_simple"))
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            errors.append(ValidationError("密码不能包含用户名", code="password_contains_username"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return f"至少 {MIN_LENGTH} 位，含大写字母、小写字母、数字、其他符号中的至少三类，不能包含用户名"
