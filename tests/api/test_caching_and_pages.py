"""Large answers are cached and compressed; growing lists come in pages."""

from __future__ import annotations

import gzip
from urllib.parse import parse_qs, urlparse

from tests.api.conftest import Served

A = "/api/v1/buildings/A"


def test_the_scene_with_its_etag_is_a_304_and_gzip_is_at_most_a_third(served: Served):
    client, viewer = served.client, served.as_("viewer")
    plain = client.get(f"{A}/scene.glb", headers={**viewer, "Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.content[:4] == b"glTF"
    assert "content-encoding" not in plain.headers
    tag = plain.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/")  # a strong validator
    again = client.get(
        f"{A}/scene.glb",
        headers={**viewer, "Accept-Encoding": "identity", "If-None-Match": tag},
    )
    assert again.status_code == 304 and again.content == b""
    packed = client.get(
        f"{A}/scene.glb", headers={**viewer, "Accept-Encoding": "gzip"}, follow_redirects=False
    )
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    raw_size = len(plain.content)
    assert int(packed.headers["content-length"]) <= raw_size / 3
    assert packed.content == plain.content  # the client inflates it to the same bytes
    assert packed.headers["etag"] != tag  # another representation, another strong tag
    revalidated = client.get(
        f"{A}/scene.glb",
        headers={**viewer, "Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]},
    )
    assert revalidated.status_code == 304


def test_a_stale_etag_gets_the_scene_again(served: Served):
    answer = served.client.get(
        f"{A}/scene.glb", headers={**served.as_("viewer"), "If-None-Match": '"0000"'}
    )
    assert answer.status_code == 200 and answer.content[:4] == b"glTF"


def test_plans_carry_an_etag_and_answer_304(served: Served):
    client, viewer = served.client, served.as_("viewer")
    storey = client.get(f"{A}/storeys", headers=viewer).json()[0]["global_id"]
    first = client.get(f"{A}/plans/{storey}.svg", headers={**viewer, "Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    assert first.text.lstrip().startswith("<")
    second = client.get(
        f"{A}/plans/{storey}.svg", headers={**viewer, "If-None-Match": first.headers["etag"]}
    )
    assert second.status_code == 304
    assert gzip.decompress(gzip.compress(first.content)) == first.content


def _pages(served: Served, path: str, limit: int) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = served.client.get(path, params=params, headers=served.as_("admin"))
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        cursor = answer.headers.get("x-next-cursor")
        if cursor is None:
            assert "link" not in answer.headers
            return pages
        link = answer.headers["link"]
        assert link.endswith('; rel="next"')
        assert parse_qs(urlparse(link[1 : link.index(">")]).query)["cursor"] == [cursor]


def test_devices_come_in_pages_that_neither_repeat_nor_skip(served: Served):
    everything = served.client.get("/api/v1/devices?building=A", headers=served.as_("admin")).json()
    assert len(everything) > 7
    pages = _pages(served, "/api/v1/devices?building=A", 7)
    assert all(len(p) == 7 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 7
    ids = [d["device_id"] for page in pages for d in page]
    assert ids == sorted(d["device_id"] for d in everything)


def test_history_comes_in_pages(served: Served):
    device = served.client.get("/api/v1/devices?building=A", headers=served.as_("admin")).json()
    reading = next(d for d in device if d["points"]) if any(d["points"] for d in device) else None
    device_id = reading["device_id"] if reading else device[0]["device_id"]
    whole = served.client.get(
        f"/api/v1/devices/{device_id}/history", headers=served.as_("admin")
    ).json()
    pages = _pages(served, f"/api/v1/devices/{device_id}/history", 2)
    assert [row for page in pages for row in page] == whole


def test_a_damaged_cursor_is_a_400_problem(served: Served):
    answer = served.client.get(
        "/api/v1/alarms", params={"cursor": "not-a-cursor"}, headers=served.as_("admin")
    )
    assert answer.status_code == 400
    assert answer.json()["type"] == "/problems/bad-cursor"
