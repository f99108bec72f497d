from django.test import RequestFactory

from dangjian.core.actor import Actor


def test_it_records_the_peer_address_and_ignores_a_forged_forwarded_header(settings, rf: RequestFactory):
    settings.DANGJIAN_TRUST_X_FORWARDED_FOR = False
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    request.user = type("Anon", (), {"is_authenticated": False})()
    assert Actor.from_request(request).ip_address == "10.0.0.5"


def test_it_believes_the_forwarded_header_behind_a_configured_proxy(settings, rf: RequestFactory):
    settings.DANGJIAN_TRUST_X_FORWARDED_FOR = True
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.8.7, 127.0.0.1")
    request.user = type("Anon", (), {"is_authenticated": False})()
    assert Actor.from_request(request).ip_address == "10.9.8.7"
