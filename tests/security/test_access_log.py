"""Item 11: the access log keeps the request lines without personal query values."""

from __future__ import annotations

from pathlib import Path

from tests.security.conftest import make_service, register_demo


def test_the_access_log_has_no_person_id(service_root: Path, demo_ifc: Path):
    service = make_service(service_root, keys={"housing": ("housing", (), ())})
    register_demo(service.root, demo_ifc)
    service.start(log_level="info")
    try:
        with service.client("housing") as api:
            answer = api.get(
                "/buildings/A/allocations/history", params={"person_id": "D0001", "room": "0101"}
            )
            assert answer.status_code == 200, answer.text
            assert api.get("/buildings/A/spaces", params={"name": "王伟"}).status_code == 200
    finally:
        service.stop()
    log = service.log()
    assert "/allocations/history?person_id=~&room=0101" in log
    assert "D0001" not in log
    assert "王伟" not in log and "%E7%8E%8B" not in log.upper()
