"""The one way a service refuses: every problem found, field by field, in one ValidationError."""
from __future__ import annotations

from django.core.exceptions import ValidationError


def raise_if(errors: dict[str, list[str]]) -> None:
    """Raise ``ValidationError`` with the fields that have messages; nothing when none has."""
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
