"""One-time passwords for accounts opened in bulk (issue 14) and the sheet that carries them.

``generate_password(username)`` draws 16 characters at random (letters of both cases without the
look-alikes, digits 2–9 and a few symbols; every class present, never the user name), valid under the
等保 rules. ``keep_sheet`` stores the rows encrypted (``OneTimeSheet``) inside the caller's
transaction; ``take_sheet`` hands the .xlsx over once and deletes the row in the same transaction,
audited — after that the plain passwords exist nowhere.
"""
from __future__ import annotations

import json
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import Http404

from dangjian.core import audit, crypto
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook
from dangjian.core.models import AuditLog

from .models import OneTimeSheet

UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "23456789"
SYMBOLS = "#%+=@"
ALPHABET = UPPER + LOWER + DIGITS + SYMBOLS
LENGTH = 16
HEADERS = ["所在党组织", "姓名", "用户名", "初始密码", "说明"]
NOTICE = "首次登录后须立即修改密码；本表只能下载一次，请妥善分发后销毁"


def generate_password(username: str = "") -> str:
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    while True:
        chars = [secrets.choice(UPPER), secrets.choice(LOWER), secrets.choice(DIGITS), secrets.choice(SYMBOLS)]
        chars += [secrets.choice(ALPHABET) for _ in range(LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            password_validation.validate_password(password)
        except ValidationError:
            continue
        if not username or username.lower() not in password.lower():
            return password


def hash_one_time(password: str) -> str:
    """The stored form of a one-time password (``hashers.OneTimePasswordHasher``; the first configured
    hasher where PASSWORD_HASHERS leaves it out, as the test settings do)."""
    from django.contrib.auth.hashers import get_hasher

    try:
        get_hasher("pbkdf2_onetime")
    except ValueError:
        return make_password(password)
    return make_password(password, hasher="pbkdf2_onetime")


def keep_sheet(*, actor: Actor, label: str, rows: list[list[str]]) -> OneTimeSheet | None:
    """Store ``rows`` ([所在党组织, 姓名, 用户名, 初始密码]) encrypted until their download (inside the caller's
    transaction). None when there are no rows."""
    if not rows:
        return None
    return OneTimeSheet.objects.create(owner=actor.user, label=label[:200], count=len(rows),
                                       rows_encrypted=crypto.encrypt(json.dumps(rows, ensure_ascii=False)))


@transaction.atomic(durable=True)
def take_sheet(pk: int, *, actor: Actor) -> tuple[OneTimeSheet, bytes]:
    """The sheet's .xlsx, once: the row is deleted in the same transaction (a second request finds nothing)."""
    sheet = OneTimeSheet.objects.for_user(actor.user, "view").select_for_update().filter(pk=pk).first()
    if sheet is None:
        raise Http404("初始密码表不存在或已被下载（每张表只能下载一次）")
    rows = json.loads(crypto.decrypt(sheet.rows_encrypted))
    content = write_workbook([("初始密码", HEADERS, [r + [NOTICE] for r in rows])],
                             text_columns={"初始密码": {2, 3}}, widths={"初始密码": [34, 10, 18, 20, 44]})
    audit.record(actor=actor, action=AuditLog.Action.EXPORTED, object_type="accounts.onetimesheet",
                 object_id=sheet.pk, object_repr=str(sheet),
                 note=f"下载初始密码表（{sheet.count}个账号）：明文密码随即删除，不能再次下载")
    sheet.delete()
    return sheet, content
