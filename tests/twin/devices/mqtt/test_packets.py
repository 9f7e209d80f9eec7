"""MQTT 5 packets: encoding and decoding round-trip, byte for byte where the spec fixes it."""

from __future__ import annotations

import pytest

from twin.devices.mqtt import packets as wire


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (16_383, b"\xff\x7f"),
        (16_384, b"\x80\x80\x01"),
        (2_097_151, b"\xff\xff\x7f"),
        (2_097_152, b"\x80\x80\x80\x01"),
        (268_435_455, b"\xff\xff\xff\x7f"),
    ],
)
def test_variable_byte_integers_match_the_spec_table(value, encoded):
    # MQTT 5, table 1-1: the boundaries of one to four bytes.
    assert wire.encode_varint(value) == encoded
    assert wire.decode_varint(encoded + b"tail") == (value, len(encoded))


def test_variable_byte_integers_out_of_range_or_too_long_are_errors():
    with pytest.raises(wire.MqttProtocolError):
        wire.encode_varint(268_435_456)
    with pytest.raises(wire.MqttProtocolError):
        wire.decode_varint(b"\xff\xff\xff\xff\x01")
    with pytest.raises(IndexError):  # incomplete: wait for more bytes
        wire.decode_varint(b"\x80")


def test_properties_round_trip_every_wire_type():
    properties = {
        wire.PAYLOAD_FORMAT_INDICATOR: 1,
        wire.RECEIVE_MAXIMUM: 500,
        wire.SESSION_EXPIRY_INTERVAL: 3600,
        wire.SUBSCRIPTION_IDENTIFIER: 200_000,
        wire.CONTENT_TYPE: "application/json",
        wire.CORRELATION_DATA: b"\x00\x01",
        wire.USER_PROPERTY: [("site", "B1"), ("floor", "3")],
    }
    encoded = wire.encode_properties(properties)
    decoded, end = wire.decode_properties(encoded + b"payload")
    assert decoded == properties
    assert end == len(encoded)
    assert wire.encode_properties() == b"\x00"


def test_unknown_property_is_a_protocol_error():
    with pytest.raises(wire.MqttProtocolError):
        wire.decode_properties(b"\x02\x7f\x00")


def test_connect_asks_for_a_persistent_session():
    packet = wire.encode_connect(
        "twin-a", keepalive_s=30, session_expiry_s=3600, receive_maximum=1000, username="u",
        password="p",
    )  # fmt: skip
    assert packet[0] == 0x10
    length, start = wire.decode_varint(packet, 1)
    body = packet[start:]
    assert len(body) == length
    assert body[:7] == b"\x00\x04MQTT\x05"
    flags = body[7]
    assert flags & 0x02 == 0  # clean start off: resume the session
    assert flags & 0xC0 == 0xC0  # user name and password
    assert body[8:10] == (30).to_bytes(2, "big")
    properties, pos = wire.decode_properties(body, 10)
    assert properties == {wire.SESSION_EXPIRY_INTERVAL: 3600, wire.RECEIVE_MAXIMUM: 1000}
    assert body[pos:] == b"\x00\x06twin-a\x00\x01u\x00\x01p"


def test_connect_sends_an_empty_password_but_no_missing_login():
    def flags_and_tail(**login: str | None) -> tuple[int, bytes]:
        packet = wire.encode_connect("c", **login)  # type: ignore[arg-type]
        _, start = wire.decode_varint(packet, 1)
        body = packet[start:]
        return body[7], body[body.index(b"\x00\x01c") + 3 :]

    assert flags_and_tail() == (0, b"")
    assert flags_and_tail(username="u", password="") == (0xC0, b"\x00\x01u\x00\x00")
    assert flags_and_tail(username="u") == (0x80, b"\x00\x01u")


def test_subscribe_has_reserved_flags_and_options():
    packet = wire.encode_subscribe(7, "$share/g/twin/+/+/state", qos=1)
    assert packet[0] == 0x82
    assert packet.endswith(b"$share/g/twin/+/+/state\x01")


def test_publishes_round_trip_in_bulk_with_a_partial_tail():
    packets = [
        wire.encode_publish("twin/B1/D1/state", b'{"a":1}', qos=1, packet_id=1),
        wire.encode_publish("twin/B1/D2/state", b"x" * 300, qos=1, packet_id=65535, dup=True),
        wire.encode_publish("t", b"", qos=0, retain=True),
        wire.PINGRESP_BYTES,
    ]
    stream = b"".join(packets)
    tail = wire.encode_publish("twin/B1/D3/state", b"later", qos=1, packet_id=3)
    publishes, others, end = wire.read_packets(stream + tail[:5])
    assert end == len(stream)
    assert publishes == [
        wire.Publish("twin/B1/D1/state", b'{"a":1}', 1, 1),
        wire.Publish("twin/B1/D2/state", b"x" * 300, 65535, 1, dup=True),
        wire.Publish("t", b"", 0, 0, retain=True),
    ]
    assert others == [wire.Packet(wire.PINGRESP, 0, b"")]
    more, _, end2 = wire.read_packets(stream[end:] + tail)
    assert more == [wire.Publish("twin/B1/D3/state", b"later", 3, 1)]
    assert end2 == len(tail)


def test_publish_with_properties_skips_them():
    body = (
        wire.encode_string("twin/B1/D1/state")
        + b"\x00\x09"
        + wire.encode_properties({wire.CONTENT_TYPE: "application/json"})
        + b"{}"
    )
    packet = b"\x32" + wire.encode_varint(len(body)) + body
    publishes, _, _ = wire.read_packets(packet)
    assert publishes == [wire.Publish("twin/B1/D1/state", b"{}", 9, 1)]


def test_a_publish_whose_header_overruns_its_length_is_an_error():
    bad = b"\x32\x03\x00\x10ab"
    with pytest.raises(wire.MqttProtocolError):
        wire.read_packets(bad)


def test_pubacks_and_acknowledgements_decode():
    assert wire.encode_puback(258) == b"\x40\x02\x01\x02"
    assert wire.encode_pubacks([1, 2]) == wire.encode_puback(1) + wire.encode_puback(2)
    assert wire.decode_puback(b"\x01\x02") == (258, 0)
    assert wire.decode_puback(b"\x01\x02\x10") == (258, 0x10)
    connack = wire.decode_connack(b"\x01\x00" + wire.encode_properties({wire.RECEIVE_MAXIMUM: 20}))
    assert connack == wire.Connack(True, 0, {wire.RECEIVE_MAXIMUM: 20})
    suback = wire.decode_suback(b"\x00\x01\x00\x01\x80")
    assert suback == wire.Suback(1, (1, 0x80), {})
    assert wire.decode_disconnect(b"") == (0, {})
    assert wire.decode_disconnect(b"\x8e\x00") == (0x8E, {})
