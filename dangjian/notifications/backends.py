"""SMS delivery backends, chosen by ``DANGJIAN_SMS_BACKEND`` (console, file, aliyun, tencent).

console (the default) writes each message to standard output; file appends it as a JSON line to
``DANGJIAN_SMS_FILE`` (default var/sms.log). aliyun and tencent call the vendors' official SDKs,
imported only when chosen, so the platform runs without them or any credentials. Every variable
is read strictly: an unknown backend or a missing credential stops with a message naming it.

Environment:
- aliyun: ``DANGJIAN_ALIYUN_ACCESS_KEY_ID``, ``DANGJIAN_ALIYUN_ACCESS_KEY_SECRET``,
  ``DANGJIAN_ALIYUN_SMS_SIGN_NAME``, ``DANGJIAN_ALIYUN_SMS_ENDPOINT`` (default dysmsapi.aliyuncs.com)
- tencent: ``DANGJIAN_TENCENT_SECRET_ID``, ``DANGJIAN_TENCENT_SECRET_KEY``, ``DANGJIAN_TENCENT_SMS_SDK_APP_ID``,
  ``DANGJIAN_TENCENT_SMS_SIGN_NAME``, ``DANGJIAN_TENCENT_SMS_REGION`` (default ap-guangzhou)
- both: ``DANGJIAN_SMS_TEMPLATES`` = ``political_birthday=<template code>`` — the
  vendor's approved template for each kind (its parameters: see ``templating.PLACEHOLDERS``).
"""
from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BACKENDS = ("console", "file", "aliyun", "tencent")


class SmsError(Exception):
    """A failed delivery; ``retryable`` False for errors another try cannot fix (a bad number, a bad template)."""

    def __init__(self, message: str, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Outgoing:
    message_id: int
    phone: str
    kind: str
    text: str
    params: dict


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is not None:
        return default
    raise ImproperlyConfigured(f"短信服务配置缺少环境变量 {name}")


def _templates() -> dict[str, str]:
    raw = _env("DANGJIAN_SMS_TEMPLATES")
    result = {}
    for part in raw.split(","):
        if not part.strip():
            continue
        kind, sep, code = part.partition("=")
        if not sep or not kind.strip() or not code.strip():
            raise ImproperlyConfigured(f"环境变量 DANGJIAN_SMS_TEMPLATES 的“{part}”应写成 类别=模板编号")
        result[kind.strip()] = code.strip()
    return result


class ConsoleBackend:
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, sms: Outgoing) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"[短信] {sms.phone} {sms.text}\n")
        stream.flush()
        return f"console-{sms.message_id}"


class FileBackend:
    name = "file"
    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or os.environ.get("DANGJIAN_SMS_FILE") or settings.VAR_DIR / "sms.log")

    def send(self, sms: Outgoing) -> str:
        line = json.dumps({"id": sms.message_id, "phone": sms.phone, "kind": sms.kind, "text": sms.text,
                           "params": sms.params}, ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return f"file-{sms.message_id}"


class AliyunBackend:
    """Aliyun SMS (dysmsapi 2017-05-25): ``Client.send_sms_with_options(SendSmsRequest, RuntimeOptions)``."""

    name = "aliyun"

    def __init__(self):
        self.access_key_id = _env("DANGJIAN_ALIYUN_ACCESS_KEY_ID")
        self.access_key_secret = _env("DANGJIAN_ALIYUN_ACCESS_KEY_SECRET")
        self.sign_name = _env("DANGJIAN_ALIYUN_SMS_SIGN_NAME")
        self.endpoint = _env("DANGJIAN_ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
        self.templates = _templates()
        self._client = None

    def client(self):
        if self._client is None:
            from alibabacloud_dysmsapi20170525.client import Client
            from alibabacloud_tea_openapi.models import Config

            self._client = Client(Config(access_key_id=self.access_key_id, access_key_secret=self.access_key_secret,
                                         endpoint=self.endpoint))
        return self._client

    def send(self, sms: Outgoing) -> str:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.runtime import RuntimeOptions

        code = self.templates.get(sms.kind)
        if not code:
            raise SmsError(f"未配置“{sms.kind}”类短信的阿里云模板编号（DANGJIAN_SMS_TEMPLATES）", retryable=False)
        request = SendSmsRequest(phone_numbers=sms.phone, sign_name=self.sign_name, template_code=code,
                                 template_param=json.dumps(sms.params, ensure_ascii=False), out_id=str(sms.message_id))
        try:
            response = self.client().send_sms_with_options(request, RuntimeOptions(read_timeout=10000, connect_timeout=5000))
        except Exception as exc:  # network errors and the SDK's own exceptions: try again later
            raise SmsError(f"阿里云短信接口调用失败：{exc}") from exc
        body = response.body
        if body is None or body.code != "OK":
            code_ = getattr(body, "code", "") or ""
            # Numbers and templates refused by the vendor will not improve by retrying.
            permanent = code_.startswith("isv.MOBILE") or code_ in ("isv.SMS_TEMPLATE_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS")
            raise SmsError(f"阿里云短信发送失败：{code_} {getattr(body, 'message', '')}", retryable=not permanent)
        return body.biz_id or ""


class TencentBackend:
    """Tencent Cloud SMS (2021-01-11): ``SmsClient.SendSms(SendSmsRequest)``."""

    name = "tencent"

    def __init__(self):
        self.secret_id = _env("DANGJIAN_TENCENT_SECRET_ID")
        self.secret_key = _env("DANGJIAN_TENCENT_SECRET_KEY")
        self.app_id = _env("DANGJIAN_TENCENT_SMS_SDK_APP_ID")
        self.sign_name = _env("DANGJIAN_TENCENT_SMS_SIGN_NAME")
        self.region = _env("DANGJIAN_TENCENT_SMS_REGION", "ap-guangzhou")
        self.templates = _templates()
        self._client = None

    def client(self):
        if self._client is None:
            from tencentcloud.common import credential
            from tencentcloud.sms.v20210111 import sms_client

            self._client = sms_client.SmsClient(credential.Credential(self.secret_id, self.secret_key), self.region)
        return self._client

    def send(self, sms: Outgoing) -> str:
        from tencentcloud.sms.v20210111 import models

        template_id = self.templates.get(sms.kind)
        if not template_id:
            raise SmsError(f"未配置“{sms.kind}”类短信的腾讯云模板ID（DANGJIAN_SMS_TEMPLATES）", retryable=False)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [sms.phone if sms.phone.startswith("+") else f"+86{sms.phone}"]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = [str(v) for v in sms.params.values()]
        request.SessionContext = str(sms.message_id)
        try:
            response = self.client().SendSms(request)
        except Exception as exc:  # TencentCloudSDKException and network errors
            raise SmsError(f"腾讯云短信接口调用失败：{exc}") from exc
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            code = statuses[0].Code if statuses else ""
            message = statuses[0].Message if statuses else "无返回"
            permanent = code.startswith("FailedOperation.PhoneNumber") or code.startswith("InvalidParameterValue")
            raise SmsError(f"腾讯云短信发送失败：{code} {message}", retryable=not permanent)
        return statuses[0].SerialNo or ""


def backend_name() -> str:
    raw = os.environ.get("DANGJIAN_SMS_BACKEND", "").strip().lower() or "console"
    if raw not in BACKENDS:
        raise ImproperlyConfigured(f"环境变量 DANGJIAN_SMS_BACKEND 的值 {raw!r} 无效，应为 {'/'.join(BACKENDS)} 之一")
    return raw


def get_backend():
    name = backend_name()
    return {"console": ConsoleBackend, "file": FileBackend, "aliyun": AliyunBackend, "tencent": TencentBackend}[name]()
