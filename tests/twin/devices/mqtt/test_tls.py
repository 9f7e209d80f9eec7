"""MQTT over TLS with a user name and password, against a real Mosquitto (TLS only, a
password file, no anonymous logins, certificates from a throwaway CA)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.fixtures.services import TlsBroker, free_port
from tests.twin.devices.conftest import ROWS, FakeClock, make_service
from twin.devices.mqtt.broker import (
    BrokerAddress,
    MqttConfigError,
    MqttConnectionError,
    MqttRefusedError,
    MqttTlsError,
    broker_from_settings,
    parse_mqtt_url,
)
from twin.devices.mqtt.ingest import MqttIngest, check_broker
from twin.devices.publish import MqttPublisher
from twin.devices.registry import parse_rows
from twin.settings import Settings

ROOT = Path(__file__).resolve().parents[4]
WAIT_S = 10.0
SECRETS = (TlsBroker.password, quote(TlsBroker.password, safe=""), "wrong-Secret-42")


def wait_for(condition, timeout_s: float = WAIT_S) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"a password leaked into {text!r}"


def address(broker: TlsBroker, **url_options) -> BrokerAddress:  # type: ignore[no-untyped-def]
    return parse_mqtt_url(broker.url(**url_options), ca_file=broker.ca.cert_file)


def client_id() -> str:
    return f"tls-test-{os.urandom(4).hex()}"


# ---------------------------------------------------------------- URLs and settings
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mqtt://broker", BrokerAddress("broker", 1883)),
        ("mqtts://broker", BrokerAddress("broker", 8883, tls=True)),
        ("MQTTS://u:p@broker:9000", BrokerAddress("broker", 9000, "u", "p", tls=True)),
        (
            "mqtt://u%40corp:p%40ss%3Aw%2F%E4%B8%AD@h",
            BrokerAddress("h", 1883, "u@corp", "p@ss:w/中"),
        ),
        ("mqtt://u:@h", BrokerAddress("h", 1883, "u", "")),
        ("tcp://[::1]:1884", BrokerAddress("::1", 1884)),
    ],
)
def test_broker_urls_give_host_port_and_the_decoded_login(url, expected):
    assert parse_mqtt_url(url) == expected


def test_the_password_is_masked_in_labels_reprs_and_errors():
    url = f"mqtts://twin:{quote(TlsBroker.password, safe='')}@broker.example"
    broker = parse_mqtt_url(url)
    assert broker.password == TlsBroker.password
    assert broker.label == "mqtts://twin:***@broker.example:8883"
    assert parse_mqtt_url("mqtt://[::1]").label == "mqtt://[::1]:1883"
    settings = Settings(mqtt_url=url)
    with pytest.raises(MqttConfigError) as bad_port:
        parse_mqtt_url(url + ":http")
    with pytest.raises(MqttConfigError) as bad_scheme:
        parse_mqtt_url(url.replace("mqtts", "https"))
    assert "***" in str(bad_port.value) and "***" in str(bad_scheme.value)
    assert_no_secret(repr(broker), repr(settings), str(bad_port.value), str(bad_scheme.value))


def test_tls_files_need_an_mqtts_url_and_a_key_needs_its_certificate(tmp_path):
    with pytest.raises(MqttConfigError, match="use mqtts://"):
        parse_mqtt_url("mqtt://h", ca_file=tmp_path / "ca.crt")
    with pytest.raises(MqttConfigError, match="needs TWIN_MQTT_CERT_FILE"):
        parse_mqtt_url("mqtts://h", key_file=tmp_path / "client.key")


def test_unusable_tls_files_are_configuration_errors_naming_the_setting(tmp_path):
    missing = parse_mqtt_url("mqtts://h", ca_file=tmp_path / "nowhere.crt")
    with pytest.raises(MqttConfigError, match="TWIN_MQTT_CA_FILE"):
        missing.ssl_context()
    (tmp_path / "client.crt").write_text("not a certificate")
    garbage = parse_mqtt_url("mqtts://h", cert_file=tmp_path / "client.crt")
    with pytest.raises(MqttConfigError, match="TWIN_MQTT_CERT_FILE"):
        garbage.ssl_context()


def test_settings_name_the_broker_and_its_tls_files(monkeypatch, tmp_path):
    monkeypatch.delenv("TWIN_MQTT_URL", raising=False)
    assert broker_from_settings(Settings()) is None
    monkeypatch.setenv("TWIN_MQTT_URL", "mqtts://u:p@broker")
    monkeypatch.setenv("TWIN_MQTT_CA_FILE", str(tmp_path / "ca.crt"))
    monkeypatch.setenv("TWIN_MQTT_CERT_FILE", str(tmp_path / "c.crt"))
    monkeypatch.setenv("TWIN_MQTT_KEY_FILE", str(tmp_path / "c.key"))
    broker = broker_from_settings(Settings())
    assert broker == BrokerAddress(
        "broker", 8883, "u", "p", tls=True, ca_file=tmp_path / "ca.crt",
        cert_file=tmp_path / "c.crt", key_file=tmp_path / "c.key",
    )  # fmt: skip


# ---------------------------------------------------------------- against Mosquitto
def test_readings_arrive_over_tls_with_a_password_and_are_stored(
    mosquitto_tls, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG, logger="twin")
    monkeypatch.setenv("TWIN_MQTT_URL", mosquitto_tls.url())
    monkeypatch.setenv("TWIN_MQTT_CA_FILE", str(mosquitto_tls.ca.cert_file))
    broker = broker_from_settings(Settings())
    assert broker is not None
    clock = FakeClock(time.time())
    service = make_service(f"sqlite:///{tmp_path / 'tls.sqlite3'}", clock)
    service.load_registry("B1", parse_rows(ROWS))
    ingest = MqttIngest(service, broker, client_id=client_id())
    ingest.start()
    sender = MqttPublisher(broker, "B1")  # the simulator's publisher, over TLS too
    try:
        assert ingest.subscribed, ingest.status
        assert ingest.status.endswith(f"on mqtts://twin-ingest:***@localhost:{mosquitto_tls.port}")
        readings = [
            {"device_id": "TS-01", "ts": clock.iso(-2), "values": {"temp": 21.5}},
            {"device_id": "TS-01", "ts": clock.iso(-1), "values": {"temp": 22.5}},
            {"device_id": "LD-01", "ts": clock.iso(-1), "values": {"leak": True}},
        ]
        sender.publish(readings)
        wait_for(lambda: ingest.acknowledged == len(readings))
        assert service.state("TS-01").points["temp"].value == 22.5
        assert service.state("LD-01").status == "alarm"
        service.flush()
        stored = service.history(["TS-01"], point="temp")
        assert [value for *_, value in stored] == [21.5, 22.5]
    finally:
        sender.close()
        ingest.stop()
        service.close()
    assert_no_secret(caplog.text, ingest.status)


def test_a_wrong_password_is_a_clear_refusal_that_retrying_cannot_cure(mosquitto_tls):
    with pytest.raises(MqttRefusedError) as refused:
        check_broker(address(mosquitto_tls, password="wrong-Secret-42"))
    error = refused.value
    assert error.permanent
    # Mosquitto answers a wrong password with "not authorized"; the standard also has 0x86.
    assert error.reason_code in (0x86, 0x87)
    message = str(error)
    assert f"mqtts://twin-ingest:***@localhost:{mosquitto_tls.port}" in message
    assert "not authorized" in message or "bad user name or password" in message
    assert "TWIN_MQTT_URL" in message
    assert_no_secret(message)


def test_the_subscriber_reports_a_wrong_password_in_its_status_and_as_an_error(
    mosquitto_tls, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="twin")
    service = make_service(f"sqlite:///{tmp_path / 'bad.sqlite3'}", FakeClock())
    ingest = MqttIngest(
        service, address(mosquitto_tls, password="wrong-Secret-42"), client_id=client_id()
    )
    ingest.start()  # returns after the first refusal: the service keeps serving HTTP
    try:
        assert not ingest.subscribed
        assert ingest.status.startswith("failing: mqtts://twin-ingest:***@localhost")
        assert "not authorized" in ingest.status or "bad user name" in ingest.status
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert errors and "refused the connection" in errors[0].getMessage()
    finally:
        ingest.stop()
        service.close()
    assert_no_secret(caplog.text, ingest.status)


def test_twin_serve_refuses_to_start_with_a_wrong_password(mosquitto_tls):
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        TWIN_MQTT_URL=mosquitto_tls.url(password="wrong-Secret-42"),
        TWIN_MQTT_CA_FILE=str(mosquitto_tls.ca.cert_file),
    )
    done = subprocess.run(
        [sys.executable, "-m", "cli", "serve", "--port", str(free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("twin: MQTT: mqtts://twin-ingest:***@localhost")
    assert "refused the connection" in last
    assert_no_secret(done.stdout, done.stderr)


def test_a_plain_connection_to_the_tls_port_fails_clearly(mosquitto_tls):
    with pytest.raises(MqttConnectionError, match="use mqtts://") as failed:
        check_broker(parse_mqtt_url(mosquitto_tls.url(scheme="mqtt")))
    assert failed.value.permanent
    assert_no_secret(str(failed.value))


@pytest.mark.parametrize("trusted", ["other CA", "system CAs"])
def test_a_broker_certificate_from_another_ca_is_refused(mosquitto_tls, trusted):
    ca_file = mosquitto_tls.other_ca.cert_file if trusted == "other CA" else None
    with pytest.raises(MqttTlsError, match="certificate was refused") as refused:
        check_broker(parse_mqtt_url(mosquitto_tls.url(), ca_file=ca_file))
    assert "TWIN_MQTT_CA_FILE" in str(refused.value)
    assert_no_secret(str(refused.value))


def test_the_broker_certificate_must_name_the_host_we_connect_to(mosquitto_tls):
    # The certificate names localhost, not 127.0.0.1: the same broker under another name.
    with pytest.raises(MqttTlsError, match="must name the host") as refused:
        check_broker(address(mosquitto_tls, host="127.0.0.1"))
    assert "127.0.0.1" in str(refused.value)


def test_a_client_certificate_is_presented_where_the_broker_requires_one(mosquitto_tls, tmp_path):
    port = mosquitto_tls.mtls_port
    url = mosquitto_tls.url(port=port)
    ca_file = mosquitto_tls.ca.cert_file
    with pytest.raises(MqttTlsError):
        check_broker(parse_mqtt_url(url, ca_file=ca_file))
    ours, theirs = mosquitto_tls.client, mosquitto_tls.other_client
    with pytest.raises(MqttTlsError):
        check_broker(
            parse_mqtt_url(url, ca_file=ca_file, cert_file=theirs.cert, key_file=theirs.key)
        )
    broker = parse_mqtt_url(url, ca_file=ca_file, cert_file=ours.cert, key_file=ours.key)
    check_broker(broker)
    service = make_service(f"sqlite:///{tmp_path / 'mtls.sqlite3'}", FakeClock())
    ingest = MqttIngest(service, broker, client_id=client_id())
    ingest.start()
    try:
        assert ingest.subscribed, ingest.status
    finally:
        ingest.stop()
        service.close()


def test_health_reports_a_refused_login_without_the_password(mosquitto_tls):
    settings = Settings(
        mqtt_url=mosquitto_tls.url(password="wrong-Secret-42"),
        mqtt_ca_file=mosquitto_tls.ca.cert_file,
        mqtt_client_id=client_id(),
        preload=False,
    )
    with TestClient(create_app(settings)) as client:
        mqtt = client.get("/health").json()["mqtt"]
    assert mqtt.startswith(f"failing: mqtts://twin-ingest:***@localhost:{mosquitto_tls.port}")
    assert "refused the connection" in mqtt and mqtt.endswith("; retrying")
    assert_no_secret(mqtt)


def test_tls_to_a_plain_port_fails_clearly(mosquitto):
    broker = parse_mqtt_url(mosquitto.url.replace("mqtt://", "mqtts://"))
    with pytest.raises(MqttTlsError, match="use mqtt://") as failed:
        check_broker(broker)
    assert failed.value.permanent
    subscriber = MqttIngest(make_service("sqlite://", FakeClock()), broker, client_id=client_id())
    subscriber.start()
    try:
        assert subscriber.status.startswith("failing:") and "use mqtt://" in subscriber.status
    finally:
        subscriber.stop()
        subscriber.service.close()
