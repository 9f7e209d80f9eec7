"""Item 5 (and item 6's body size): the caller is authenticated and authorised before
any body is read, and a body is cut off with a 413 at its route's limit while it
streams, with or without Content-Length. Over raw sockets, so the test sees the
answer arrive while the body is still being sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.conftest import Service, make_service, raw_request, status_of

KEYS = {
    "admin": ("admin", (), ()),
    "viewer": ("viewer", (), ()),
    "operator": ("operator", (), ()),
}
MIB = 1024 * 1024
#: What a hostile client claims to send (the tester's 1.5 GB).
CLAIMED_BYTES = 1_500_000_000
#: What the test sends at most before it expects the answer.
SENT_MIB = 48
BOUNDARY = "twinboundary"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    running = make_service(
        tmp_path_factory.mktemp("limits") / "service",
        keys=KEYS,
        TWIN_MAX_READINGS_MB="1",
        TWIN_MAX_UPLOAD_MB="1",
    ).start()
    yield running
    running.stop()


def _head(service: Service, path: str, key: str | None, *lines: str) -> str:
    auth = [f"Authorization: Bearer {service.tokens[key]}"] if key else []
    return "\r\n".join([f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{service.port}", *auth,
                        *lines, "", ""])  # fmt: skip


def _multipart(field: str) -> Iterator[bytes]:
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    for _ in range(SENT_MIB):
        yield b"x" * MIB


def _chunked(parts: Iterator[bytes]) -> Iterator[bytes]:
    for data in parts:
        yield f"{len(data):x}\r\n".encode() + data + b"\r\n"
    yield b"0\r\n\r\n"


def _spaces() -> Iterator[bytes]:
    for _ in range(SENT_MIB):
        yield b" " * MIB


def _spooled(service: Service) -> list[str]:
    return sorted(p.name for p in (service.root / "tmp").rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/buildings/A/allocations", "file"), ("/api/v1/buildings", "files")],
)
@pytest.mark.parametrize(("key", "status"), [(None, 401), ("viewer", 403)])
def test_a_large_multipart_body_is_refused_before_it_is_read(
    service: Service, path: str, field: str, key: str | None, status: int
):
    head = _head(
        service, path, key,
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        f"Content-Length: {CLAIMED_BYTES}",
    )  # fmt: skip
    answer = raw_request(service.port, head, _multipart(field))
    assert status_of(answer) == status, answer[:300]
    assert _spooled(service) == []


@pytest.mark.parametrize(
    ("path", "key", "content_type", "body"),
    [
        ("/api/v1/readings", "operator", "application/json", _spaces),
        ("/api/v1/buildings", "admin", f"multipart/form-data; boundary={BOUNDARY}",
         lambda: _multipart("files")),
        ("/api/v1/keys", "admin", "application/json", _spaces),
    ],
)  # fmt: skip
def test_a_chunked_body_past_its_limit_is_stopped_with_413(
    service: Service, path: str, key: str, content_type: str, body
):
    head = _head(service, path, key, f"Content-Type: {content_type}", "Transfer-Encoding: chunked")
    answer = raw_request(service.port, head, _chunked(body()))
    assert status_of(answer) == 413, answer[:300]
    assert _spooled(service) == []


def test_a_declared_length_past_the_readings_limit_is_413_before_the_body(service: Service):
    head = _head(
        service, "/api/v1/readings", "operator",
        "Content-Type: application/json", f"Content-Length: {2 * MIB}",
    )  # fmt: skip
    answer = raw_request(service.port, head, iter([b"{" * MIB, b" " * MIB]))
    assert status_of(answer) == 413, answer[:300]
    assert "TWIN_MAX_READINGS_MB" in answer or "413" in answer


def test_a_batch_within_the_limit_is_answered(service: Service):
    with service.client("operator") as api:
        answer = api.post("/readings", json={"readings": []})
    assert answer.status_code == 200, answer.text
