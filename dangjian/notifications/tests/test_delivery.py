"""Emptying the outbox: quiet hours, retries with backoff, final failures, crashes, two workers,
and each backend (the console and file backends real, the vendors' SDK calls mocked at their boundary)."""
import datetime
import io
import json
import threading
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections

from dangjian.core.actor import Actor
from dangjian.notifications import backends, outbox, services
from dangjian.notifications.backends import Outgoing, SmsError
from dangjian.notifications.models import Message

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 7, 2)


def at(hour, minute=0, day=DAY):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


class Recorder:
    name = "recorder"

    def __init__(self, fail=None):
        self.sent = []
        self.fail = fail

    def send(self, sms):
        if self.fail:
            raise self.fail
        self.sent.append(sms)
        return f"r-{sms.message_id}"


@pytest.fixture
def queued(county, make_member):
    members = [make_member(county["village_branch"], joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
               for _ in range(2)]
    outbox.queue_political_birthdays(DAY)
    return members


def test_it_sends_the_pending_sms_through_the_backend(queued):
    backend = Recorder()
    report = outbox.send_pending(now=at(9), backend=backend)
    assert report.sent == 2
    assert sorted(s.phone for s in backend.sent) == sorted(m.phone for m in queued)
    assert all(s.kind == "political_birthday" and "10周年" in s.text for s in backend.sent)
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert outbox.send_pending(now=at(9, 5), backend=backend).sent == 0
    assert len(backend.sent) == 2


@pytest.mark.parametrize("hour, minute, held", [(20, 59, False), (21, 0, True), (23, 30, True), (7, 59, True), (8, 0, False)])
def test_quiet_hours_hold_sms_until_morning(queued, hour, minute, held):
    backend = Recorder()
    report = outbox.send_pending(now=at(hour, minute), backend=backend)
    assert (report.held, report.sent) == ((2, 0) if held else (0, 2))
    assert Message.objects.filter(status="pending").count() == (2 if held else 0)


def test_the_day_s_sms_do_not_go_out_before_the_day(county, make_member):
    make_member(county["village_branch"], joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    outbox.queue_political_birthdays(DAY)
    backend = Recorder()
    assert outbox.send_pending(now=at(10, day=DAY - datetime.timedelta(days=1)), backend=backend).sent == 0
    assert outbox.send_pending(now=at(10), backend=backend).sent == 1


def test_a_failure_is_retried_with_growing_delays_then_final_and_visible(queued):
    failing = Recorder(fail=SmsError("网络超时"))
    now = at(9)
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        outbox.send_pending(now=now, backend=failing)
        m = Message.objects.order_by("pk").first()
        assert (m.status, m.attempts, m.last_error) == ("pending", attempt, "网络超时")
        waits.append(m.next_attempt_at - now)
        # not before its time
        assert outbox.send_pending(now=m.next_attempt_at - datetime.timedelta(seconds=1), backend=failing).retried == 0
        now = m.next_attempt_at
    assert waits == list(outbox.BACKOFF)
    outbox.send_pending(now=now, backend=failing)
    assert set(Message.objects.values_list("status", flat=True)) == {"failed"}
    assert Message.objects.first().attempts == outbox.MAX_ATTEMPTS


def test_a_permanent_error_fails_at_once_and_a_person_may_send_again(queued, users):
    outbox.send_pending(now=at(9), backend=Recorder(fail=SmsError("号码停机", retryable=False)))
    m = Message.objects.order_by("pk").first()
    assert (m.status, m.attempts) == ("failed", 1)
    services.retry_message(m, actor=Actor(users["admin"]))
    backend = Recorder()
    assert outbox.send_pending(now=at(9, 1), backend=backend).sent == 1
    assert backend.sent[0].message_id == m.pk


def test_a_crash_while_sending_never_sends_twice(queued):
    m = Message.objects.order_by("pk").first()
    # a worker claimed it and died before recording the result
    Message.objects.filter(pk=m.pk).update(status="sending", claimed_at=at(9), attempts=1)
    backend = Recorder()
    outbox.send_pending(now=at(9, 1), backend=backend)
    assert m.pk not in [s.message_id for s in backend.sent]
    report = outbox.send_pending(now=at(9, 20), backend=backend)
    m.refresh_from_db()
    assert report.stale == 1 and m.status == "failed" and "未自动重发" in m.last_error
    assert [s.message_id for s in backend.sent].count(m.pk) == 0


def test_the_number_is_checked_again_when_sending(queued):
    m = queued[0]
    m.phone = "12345"
    m.save()
    outbox.send_pending(now=at(9), backend=Recorder())
    assert Message.objects.get(member=m).status == "failed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_one_message_twice(county, make_member):
    for _ in range(30):
        make_member(county["village_branch"], joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    outbox.queue_political_birthdays(DAY)
    backend = Recorder()
    lock = threading.Lock()
    real_send = backend.send

    def send(sms):
        with lock:
            return real_send(sms)

    backend.send = send
    barrier = threading.Barrier(3)

    def work():
        try:
            barrier.wait()
            outbox.send_pending(now=at(9), backend=backend)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [s.message_id for s in backend.sent]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert Message.objects.filter(status="sent").count() == 30


# --- backends -----------------------------------------------------------------------------------

SAMPLE = Outgoing(message_id=7, phone="13800001234", kind="political_birthday", text="张三同志：今天是您入党10周年的政治生日",
                  params={"name": "张三", "years": "10"})


def test_the_console_backend_prints_the_message(capsys):
    vendor_id = backends.ConsoleBackend().send(SAMPLE)
    assert vendor_id == "console-7"
    assert "13800001234 张三同志：今天是您入党10周年的政治生日" in capsys.readouterr().out


def test_the_file_backend_appends_a_json_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGJIAN_SMS_FILE", str(tmp_path / "sms.log"))
    backend = backends.FileBackend()
    backend.send(SAMPLE)
    backend.send(SAMPLE)
    lines = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["text"] == SAMPLE.text


def test_send_outbox_command_uses_the_backend_from_the_environment(queued, tmp_path, monkeypatch):
    monkeypatch.setenv("DANGJIAN_SMS_BACKEND", "file")
    monkeypatch.setenv("DANGJIAN_SMS_FILE", str(tmp_path / "out.log"))
    with mock.patch("dangjian.notifications.outbox.timezone.now", return_value=at(10)):
        out = io.StringIO()
        call_command("send_outbox", stdout=out)
    assert "已发送2条" in out.getvalue()
    assert len((tmp_path / "out.log").read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("value", ["smtp", "Aliyun ", "console"])
def test_the_backend_name_is_parsed_strictly(monkeypatch, value):
    monkeypatch.setenv("DANGJIAN_SMS_BACKEND", value)
    if value.strip().lower() in backends.BACKENDS:
        assert backends.backend_name() == value.strip().lower()
    else:
        with pytest.raises(ImproperlyConfigured) as exc:
            backends.backend_name()
        assert "DANGJIAN_SMS_BACKEND" in str(exc.value)


def test_a_vendor_backend_without_credentials_says_which_is_missing(monkeypatch):
    monkeypatch.setenv("DANGJIAN_SMS_BACKEND", "aliyun")
    monkeypatch.delenv("DANGJIAN_ALIYUN_ACCESS_KEY_ID", raising=False)
    with pytest.raises(ImproperlyConfigured) as exc:
        backends.get_backend()
    assert "DANGJIAN_ALIYUN_ACCESS_KEY_ID" in str(exc.value)


@pytest.fixture
def aliyun_env(monkeypatch):
    for name, value in {"DANGJIAN_ALIYUN_ACCESS_KEY_ID": "id", "DANGJIAN_ALIYUN_ACCESS_KEY_SECRET": "secret",
                        "DANGJIAN_ALIYUN_SMS_SIGN_NAME": "演示县委组织部",
                        "DANGJIAN_SMS_TEMPLATES": "political_birthday=SMS_100"}.items():
        monkeypatch.setenv(name, value)


def _aliyun_response(code, biz_id="biz-1"):
    from alibabacloud_dysmsapi20170525.models import SendSmsResponse, SendSmsResponseBody

    return SendSmsResponse(body=SendSmsResponseBody(code=code, message="msg", biz_id=biz_id, request_id="req"))


def test_the_aliyun_backend_calls_send_sms_with_options(aliyun_env):
    from alibabacloud_dysmsapi20170525.client import Client

    with mock.patch.object(Client, "send_sms_with_options", autospec=True, return_value=_aliyun_response("OK")) as call:
        assert backends.AliyunBackend().send(SAMPLE) == "biz-1"
    _client, request, runtime = call.call_args.args
    assert (request.phone_numbers, request.sign_name, request.template_code) == ("13800001234", "演示县委组织部", "SMS_100")
    assert json.loads(request.template_param) == {"name": "张三", "years": "10"}
    assert type(runtime).__name__ == "RuntimeOptions"


@pytest.mark.parametrize("code, retryable", [("isv.BUSINESS_LIMIT_CONTROL", True), ("isv.MOBILE_NUMBER_ILLEGAL", False)])
def test_the_aliyun_backend_turns_error_codes_into_failures(aliyun_env, code, retryable):
    from alibabacloud_dysmsapi20170525.client import Client

    with mock.patch.object(Client, "send_sms_with_options", return_value=_aliyun_response(code)):
        with pytest.raises(SmsError) as exc:
            backends.AliyunBackend().send(SAMPLE)
    assert code in str(exc.value) and exc.value.retryable is retryable


def test_the_aliyun_backend_retries_after_an_sdk_exception(aliyun_env):
    from alibabacloud_dysmsapi20170525.client import Client

    with mock.patch.object(Client, "send_sms_with_options", side_effect=ConnectionError("timed out")):
        with pytest.raises(SmsError) as exc:
            backends.AliyunBackend().send(SAMPLE)
    assert exc.value.retryable and "timed out" in str(exc.value)


@pytest.fixture
def tencent_env(monkeypatch):
    for name, value in {"DANGJIAN_TENCENT_SECRET_ID": "id", "DANGJIAN_TENCENT_SECRET_KEY": "key",
                        "DANGJIAN_TENCENT_SMS_SDK_APP_ID": "1400000000", "DANGJIAN_TENCENT_SMS_SIGN_NAME": "演示县委组织部",
                        "DANGJIAN_SMS_TEMPLATES": "political_birthday=123456"}.items():
        monkeypatch.setenv(name, value)


def _tencent_response(code):
    from tencentcloud.sms.v20210111 import models

    response = models.SendSmsResponse()
    response._deserialize({"SendStatusSet": [{"SerialNo": "serial-1", "PhoneNumber": "+8613800001234", "Code": code,
                                              "Message": "send success" if code == "Ok" else "error"}],
                           "RequestId": "req"})
    return response


def test_the_tencent_backend_calls_send_sms(tencent_env):
    from tencentcloud.sms.v20210111.sms_client import SmsClient

    with mock.patch.object(SmsClient, "SendSms", autospec=True, return_value=_tencent_response("Ok")) as call:
        assert backends.TencentBackend().send(SAMPLE) == "serial-1"
    _client, request = call.call_args.args
    assert request.PhoneNumberSet == ["+8613800001234"]
    assert (request.SmsSdkAppId, request.SignName, request.TemplateId) == ("1400000000", "演示县委组织部", "123456")
    assert request.TemplateParamSet == ["张三", "10"]


def test_the_tencent_backend_turns_error_codes_into_failures(tencent_env):
    from tencentcloud.sms.v20210111.sms_client import SmsClient

    with mock.patch.object(SmsClient, "SendSms", return_value=_tencent_response("FailedOperation.PhoneNumberInBlacklist")):
        with pytest.raises(SmsError) as exc:
            backends.TencentBackend().send(SAMPLE)
    assert not exc.value.retryable and "PhoneNumberInBlacklist" in str(exc.value)


def test_a_kind_without_a_vendor_template_fails_permanently(tencent_env):
    with pytest.raises(SmsError) as exc:
        backends.TencentBackend().send(Outgoing(1, "13800001234", "other_kind", "text", {}))
    assert not exc.value.retryable and "DANGJIAN_SMS_TEMPLATES" in str(exc.value)
