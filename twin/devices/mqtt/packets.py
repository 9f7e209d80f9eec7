"""MQTT 5 packets as bytes: the encoders and decoders our own client needs.

Only the packets a subscriber and a QoS 1 publisher exchange with a broker:
CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH/PUBACK, PINGREQ/PINGRESP and
DISCONNECT. Everything here is pure (bytes in, bytes or records out); the
network lives in :mod:`twin.devices.mqtt.client`.

:func:`read_packets` is the hot path: it parses every complete packet of a
receive buffer in one call and returns the PUBLISH packets as plain tuples,
so ten thousand messages cost one Python call, not ten thousand callbacks.
Reference: MQTT Version 5.0, OASIS Standard (2019), sections 1.5 and 3.

One module on purpose (over 400 lines): the codec of each packet kind shares the
variable-length integers and property tables, and splitting it would scatter one
wire format over several files.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

from twin.devices.errors import DeviceError

# Control packet types (the high nibble of the first byte).
CONNECT = 1
CONNACK = 2
PUBLISH = 3
PUBACK = 4
SUBSCRIBE = 8
SUBACK = 9
PINGREQ = 12
PINGRESP = 13
DISCONNECT = 14

#: Largest value of a variable byte integer (four bytes).
VARINT_MAX = 268_435_455
PINGREQ_BYTES = b"\xc0\x00"
PINGRESP_BYTES = b"\xd0\x00"
#: A normal DISCONNECT (reason 0): the broker keeps the session if it has an expiry.
DISCONNECT_BYTES = b"\xe0\x00"

# Property identifiers (MQTT 5, 2.2.2.2) and their wire types.
PAYLOAD_FORMAT_INDICATOR = 0x01
MESSAGE_EXPIRY_INTERVAL = 0x02
CONTENT_TYPE = 0x03
RESPONSE_TOPIC = 0x08
CORRELATION_DATA = 0x09
SUBSCRIPTION_IDENTIFIER = 0x0B
SESSION_EXPIRY_INTERVAL = 0x11
ASSIGNED_CLIENT_IDENTIFIER = 0x12
SERVER_KEEP_ALIVE = 0x13
AUTHENTICATION_METHOD = 0x15
AUTHENTICATION_DATA = 0x16
REQUEST_PROBLEM_INFORMATION = 0x17
WILL_DELAY_INTERVAL = 0x18
REQUEST_RESPONSE_INFORMATION = 0x19
RESPONSE_INFORMATION = 0x1A
SERVER_REFERENCE = 0x1C
REASON_STRING = 0x1F
RECEIVE_MAXIMUM = 0x21
TOPIC_ALIAS_MAXIMUM = 0x22
TOPIC_ALIAS = 0x23
MAXIMUM_QOS = 0x24
RETAIN_AVAILABLE = 0x25
USER_PROPERTY = 0x26
MAXIMUM_PACKET_SIZE = 0x27
WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28
SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29
SHARED_SUBSCRIPTION_AVAILABLE = 0x2A

#: CONNACK failure reason codes (MQTT 5, 3.2.2.2) in the standard's words.
CONNACK_REASONS: dict[int, str] = {
    0x80: "unspecified error",
    0x81: "malformed packet",
    0x82: "protocol error",
    0x83: "implementation specific error",
    0x84: "unsupported protocol version",
    0x85: "client identifier not valid",
    0x86: "bad user name or password",
    0x87: "not authorized",
    0x88: "server unavailable",
    0x89: "server busy",
    0x8A: "banned",
    0x8C: "bad authentication method",
    0x90: "topic name invalid",
    0x95: "packet too large",
    0x97: "quota exceeded",
    0x99: "payload format invalid",
    0x9A: "retain not supported",
    0x9B: "QoS not supported",
    0x9C: "use another server",
    0x9D: "server moved",
    0x9F: "connection rate exceeded",
}

_BYTE, _U16, _U32, _VARINT, _STR, _BIN, _PAIR = range(7)
PROPERTY_TYPES: dict[int, int] = {
    PAYLOAD_FORMAT_INDICATOR: _BYTE,
    MESSAGE_EXPIRY_INTERVAL: _U32,
    CONTENT_TYPE: _STR,
    RESPONSE_TOPIC: _STR,
    CORRELATION_DATA: _BIN,
    SUBSCRIPTION_IDENTIFIER: _VARINT,
    SESSION_EXPIRY_INTERVAL: _U32,
    ASSIGNED_CLIENT_IDENTIFIER: _STR,
    SERVER_KEEP_ALIVE: _U16,
    AUTHENTICATION_METHOD: _STR,
    AUTHENTICATION_DATA: _BIN,
    REQUEST_PROBLEM_INFORMATION: _BYTE,
    WILL_DELAY_INTERVAL: _U32,
    REQUEST_RESPONSE_INFORMATION: _BYTE,
    RESPONSE_INFORMATION: _STR,
    SERVER_REFERENCE: _STR,
    REASON_STRING: _STR,
    RECEIVE_MAXIMUM: _U16,
    TOPIC_ALIAS_MAXIMUM: _U16,
    TOPIC_ALIAS: _U16,
    MAXIMUM_QOS: _BYTE,
    RETAIN_AVAILABLE: _BYTE,
    USER_PROPERTY: _PAIR,
    MAXIMUM_PACKET_SIZE: _U32,
    WILDCARD_SUBSCRIPTION_AVAILABLE: _BYTE,
    SUBSCRIPTION_IDENTIFIER_AVAILABLE: _BYTE,
    SHARED_SUBSCRIPTION_AVAILABLE: _BYTE,
}

_U16_STRUCT = struct.Struct("!H")
_U32_STRUCT = struct.Struct("!I")


class MqttProtocolError(DeviceError, ValueError):
    """Bytes from the broker that are not a valid MQTT 5 packet."""


class Publish(NamedTuple):
    """A received PUBLISH: ``packet_id`` is 0 for QoS 0."""

    topic: str
    payload: bytes
    packet_id: int
    qos: int
    dup: bool = False
    retain: bool = False


class Packet(NamedTuple):
    """Any other received packet: its type, the low nibble of its first byte, and its body."""

    type: int
    flags: int
    body: bytes


class Connack(NamedTuple):
    session_present: bool
    reason_code: int
    properties: dict[int, Any]


class Suback(NamedTuple):
    packet_id: int
    reason_codes: tuple[int, ...]
    properties: dict[int, Any]


# ---------------------------------------------------------------- primitives
def encode_varint(value: int) -> bytes:
    """A variable byte integer: 7 bits per byte, least significant first (MQTT 1.5.5)."""
    if not 0 <= value <= VARINT_MAX:
        raise MqttProtocolError(f"{value} does not fit a variable byte integer")
    if value < 128:
        return bytes((value,))
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes | bytearray | memoryview, pos: int = 0) -> tuple[int, int]:
    """``(value, position after it)``; :class:`IndexError` if the integer is incomplete."""
    value = 0
    shift = 0
    for _ in range(4):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
    raise MqttProtocolError("variable byte integer longer than four bytes")


def encode_string(text: str) -> bytes:
    raw = text.encode()
    return _U16_STRUCT.pack(len(raw)) + raw


def _binary(raw: bytes) -> bytes:
    return _U16_STRUCT.pack(len(raw)) + raw


def _read_string(data: bytes, pos: int) -> tuple[str, int]:
    (length,) = _U16_STRUCT.unpack_from(data, pos)
    end = pos + 2 + length
    if end > len(data):
        raise MqttProtocolError("string runs past the end of the packet")
    return bytes(data[pos + 2 : end]).decode(), end


def encode_properties(properties: dict[int, Any] | None = None) -> bytes:
    """Properties as ``length + (identifier, value)*``; a user property's value is a list
    of ``(name, value)`` pairs."""
    out = bytearray()
    for identifier, value in (properties or {}).items():
        kind = PROPERTY_TYPES.get(identifier)
        if kind is None:
            raise MqttProtocolError(f"unknown property 0x{identifier:02x}")
        items = value if kind == _PAIR else [value]
        for item in items:
            out += encode_varint(identifier)
            if kind == _BYTE:
                out.append(item)
            elif kind == _U16:
                out += _U16_STRUCT.pack(item)
            elif kind == _U32:
                out += _U32_STRUCT.pack(item)
            elif kind == _VARINT:
                out += encode_varint(item)
            elif kind == _STR:
                out += encode_string(item)
            elif kind == _BIN:
                out += _binary(item)
            else:
                out += encode_string(item[0]) + encode_string(item[1])
    return encode_varint(len(out)) + bytes(out)


def decode_properties(data: bytes, pos: int = 0) -> tuple[dict[int, Any], int]:
    """``(properties, position after them)``; user properties come as a list of pairs."""
    length, pos = decode_varint(data, pos)
    end = pos + length
    if end > len(data):
        raise MqttProtocolError("properties run past the end of the packet")
    found: dict[int, Any] = {}
    while pos < end:
        identifier, pos = decode_varint(data, pos)
        kind = PROPERTY_TYPES.get(identifier)
        value: Any
        if kind is None:
            raise MqttProtocolError(f"unknown property 0x{identifier:02x}")
        if kind == _BYTE:
            value, pos = data[pos], pos + 1
        elif kind == _U16:
            (value,), pos = _U16_STRUCT.unpack_from(data, pos), pos + 2
        elif kind == _U32:
            (value,), pos = _U32_STRUCT.unpack_from(data, pos), pos + 4
        elif kind == _VARINT:
            value, pos = decode_varint(data, pos)
        elif kind == _STR:
            value, pos = _read_string(data, pos)
        elif kind == _BIN:
            (size,) = _U16_STRUCT.unpack_from(data, pos)
            value, pos = bytes(data[pos + 2 : pos + 2 + size]), pos + 2 + size
        else:
            name, pos = _read_string(data, pos)
            text, pos = _read_string(data, pos)
            found.setdefault(identifier, []).append((name, text))
            continue
        found[identifier] = value
    if pos != end:
        raise MqttProtocolError("a property runs past the properties' length")
    return found, end


def _packet(first_byte: int, body: bytes) -> bytes:
    return bytes((first_byte,)) + encode_varint(len(body)) + body


# ---------------------------------------------------------------- client → broker
def encode_connect(
    client_id: str,
    *,
    keepalive_s: int = 60,
    clean_start: bool = False,
    session_expiry_s: int = 0,
    receive_maximum: int = 65_535,
    username: str | None = None,
    password: str | None = None,
) -> bytes:
    """A CONNECT. With ``clean_start`` false and a session expiry the broker keeps the
    subscription and the unacknowledged QoS 1 messages while the client is away.

    ``username`` and ``password`` set their flags (3.1.2.8-9) and follow the client id
    in the payload; an empty password is sent as one (``None`` sends none)."""
    flags = 0x02 if clean_start else 0
    flags |= (0x80 if username else 0) | (0x40 if password is not None else 0)
    properties: dict[int, Any] = {}
    if session_expiry_s:
        properties[SESSION_EXPIRY_INTERVAL] = session_expiry_s
    if receive_maximum != 65_535:
        properties[RECEIVE_MAXIMUM] = receive_maximum
    body = (
        encode_string("MQTT")
        + bytes((5, flags))
        + _U16_STRUCT.pack(keepalive_s)
        + encode_properties(properties)
        + encode_string(client_id)
    )
    if username:
        body += encode_string(username)
    if password is not None:
        body += _binary(password.encode())
    return _packet(CONNECT << 4, body)


def encode_subscribe(packet_id: int, topic_filter: str, qos: int = 1) -> bytes:
    """A SUBSCRIBE of one filter (no-local off, retain-as-published off)."""
    body = _U16_STRUCT.pack(packet_id) + encode_properties() + encode_string(topic_filter)
    return _packet((SUBSCRIBE << 4) | 0x02, body + bytes((qos,)))


def encode_publish(
    topic: str,
    payload: bytes,
    *,
    qos: int = 0,
    packet_id: int = 0,
    retain: bool = False,
    dup: bool = False,
) -> bytes:
    """A PUBLISH without properties."""
    flags = (PUBLISH << 4) | (qos << 1) | (0x08 if dup else 0) | (0x01 if retain else 0)
    head = encode_string(topic)
    if qos:
        head += _U16_STRUCT.pack(packet_id)
    return _packet(flags, head + b"\x00" + payload)


def encode_puback(packet_id: int) -> bytes:
    """A PUBACK with reason 0 (success), in its short four-byte form."""
    return b"\x40\x02" + _U16_STRUCT.pack(packet_id)


def encode_pubacks(packet_ids: list[int]) -> bytes:
    """PUBACKs of many messages as one buffer (one socket write)."""
    return b"".join([b"\x40\x02" + i.to_bytes(2, "big") for i in packet_ids])


# ---------------------------------------------------------------- broker → client
def read_packets(data: bytes | bytearray, pos: int = 0) -> tuple[list[Publish], list[Packet], int]:
    """Every complete packet in ``data`` from ``pos``: ``(publishes, others, end)``.

    PUBLISH packets come back decoded as :class:`Publish`, in order; the
    others as :class:`Packet` (decode them with :func:`decode_connack` etc.).
    ``end`` is where the first incomplete packet starts (keep those bytes for
    the next read).

    Raises
    ------
    MqttProtocolError
        A malformed remaining length, topic or property length.
    """
    out: list[Publish] = []
    others: list[Packet] = []
    size = len(data)
    append = out.append
    while pos + 2 <= size:
        first = data[pos]
        length = data[pos + 1]
        start = pos + 2
        if length >= 0x80:
            try:
                length, start = decode_varint(data, pos + 1)
            except IndexError:
                break
        end = start + length
        if end > size:
            break
        kind = first >> 4
        if kind == PUBLISH:
            qos = (first >> 1) & 0x03
            try:
                topic_end = start + 2 + ((data[start] << 8) | data[start + 1])
                topic = bytes(data[start + 2 : topic_end]).decode()
                packet_id = 0
                p = topic_end
                if qos:
                    packet_id = (data[p] << 8) | data[p + 1]
                    p += 2
                plen = data[p]
                if plen == 0:
                    p += 1
                else:
                    plen, p = decode_varint(data, p)
                    p += plen
            except (IndexError, UnicodeDecodeError):
                raise MqttProtocolError("malformed PUBLISH header") from None
            if p > end or topic_end > end:
                raise MqttProtocolError("PUBLISH header runs past its length")
            append(
                Publish(
                    topic, bytes(data[p:end]), packet_id, qos, bool(first & 0x08), bool(first & 1)
                )
            )
        else:
            others.append(Packet(kind, first & 0x0F, bytes(data[start:end])))
        pos = end
    return out, others, pos


def decode_connack(body: bytes) -> Connack:
    if len(body) < 2:
        raise MqttProtocolError("CONNACK too short")
    properties, _ = decode_properties(body, 2) if len(body) > 2 else ({}, 2)
    return Connack(bool(body[0] & 0x01), body[1], properties)


def decode_suback(body: bytes) -> Suback:
    (packet_id,) = _U16_STRUCT.unpack_from(body, 0)
    properties, pos = decode_properties(body, 2)
    return Suback(packet_id, tuple(body[pos:]), properties)


def decode_disconnect(body: bytes) -> tuple[int, dict[int, Any]]:
    """``(reason code, properties)`` of a DISCONNECT (an empty body is reason 0)."""
    if not body:
        return 0, {}
    properties, _ = decode_properties(body, 1) if len(body) > 1 else ({}, 1)
    return body[0], properties


def decode_puback(body: bytes) -> tuple[int, int]:
    """``(packet id, reason code)`` of a PUBACK (the short form is reason 0)."""
    (packet_id,) = _U16_STRUCT.unpack_from(body, 0)
    return packet_id, body[2] if len(body) > 2 else 0
