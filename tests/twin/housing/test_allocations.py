"""Allocation import: whole-file transactions, row errors, dry run, history, audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest

from tests.twin.housing.allocation_fixtures import make_small_building
from twin.housing.allocations import AllocationFileError, AllocationImportError, AllocationStore
from twin.housing.allocations.export import to_csv_bytes, to_json_bytes, to_xlsx_bytes
from twin.housing.allocations.parse import read_rows
from twin.housing.standards import default_standard

HEADER_ZH = [
    "单位",
    "部门",
    "工号",
    "姓名",
    "职级",
    "房间号",
    "职务",
    "起始日期",
    "终止日期",
    "批准兼用",
]
ROWS = [
    ["示例局", "局领导", "P1", "甲某", "正局(处)级", "101", "局长", "2024-01-01", "", ""],
    [
        "示例局",
        "局领导",
        "P2",
        "乙某",
        "副局(处)级",
        "102",
        "副局长;中心主任",
        "2024-01-01",
        "",
        "",
    ],
    ["示例局", "综合科", "P3", "丙某", "局(处)级以下", "103", "科长", "2024-01-01", "", ""],
    [
        "示例局",
        "综合科",
        "P4",
        "丁某",
        "municipal.below_bureau",
        "103",
        "科员",
        "2024-01-01",
        "",
        "",
    ],
    ["示例局", "综合科", "P5", "戊某", "局(处)级以下", "GID103", "科员", "2024-01-01", "", "0"],
]


def write_csv(path, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


@pytest.fixture
def small_building():
    return make_small_building()


@pytest.fixture
def store(tmp_path):
    return AllocationStore(f"sqlite:///{tmp_path / 'twin.sqlite3'}")


def do_import(store, path, building, **kwargs):
    return store.import_rows(
        read_rows(path),
        spaces=building.spaces,
        standard=default_standard(),
        default_level="municipal",
        actor=kwargs.pop("actor", "tester"),
        **kwargs,
    )


def test_chinese_headers_import_and_resolve_rooms_and_ranks(tmp_path, store, small_building):
    path = write_csv(tmp_path / "a.csv", HEADER_ZH, ROWS)
    result = do_import(store, path, small_building)
    assert len(result.created) == 5 and result.applied
    stored = {a.person_id: a for a in store.all()}
    assert stored["P2"].posts == ("副局长", "中心主任")
    assert (
        stored["P4"].rank == "局(处)级以下" and stored["P4"].rank_code == "municipal.below_bureau"
    )
    assert stored["P5"].room_global_id == "GID103" and stored["P5"].room == "103"
    assert stored["P1"].valid_to is None


def test_one_bad_row_among_many_applies_nothing_and_names_that_row(tmp_path, store, small_building):
    rows = [
        *ROWS[:2],
        ["示例局", "综合科", "P9", "己某", "正局(处)级", "999", "", "", "", ""],
        *ROWS[2:],
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER_ZH, rows)
    with pytest.raises(AllocationImportError) as caught:
        do_import(store, path, small_building)
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [(4, "room")]
    assert "unknown room" in errors[0].reason
    assert store.all() == [] and store.audit() == []


def test_every_bad_row_is_listed_with_column_and_reason(tmp_path, store, small_building):
    rows = [
        ROWS[0],
        ["示例局", "局领导", "P2", "乙某", "正科级", "102", "", "", "", ""],  # no such rank
        ["示例局", "综合科", "P3", "丙某", "局(处)级以下", "103", "", "2024-13-01", "", ""],
        [
            "示例局",
            "综合科",
            "P1",
            "甲某",
            "正局(处)级",
            "106",
            "",
            "2024-06-01",
            "",
            "",
        ],  # 2nd room
        ["示例局", "", "P6", "庚某", "局(处)级以下", "106", "", "", "", ""],  # no department
        [
            "示例局",
            "综合科",
            "P7",
            "辛某",
            "局(处)级以下",
            "106",
            "",
            "2024-05-01",
            "2024-01-01",
            "",
        ],
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER_ZH, rows)
    with pytest.raises(AllocationImportError) as caught:
        do_import(store, path, small_building)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert {(3, "rank"), (4, "valid_from"), (6, "department"), (7, "valid_to")} <= found
    # P1 in two rooms at once without approval: both rows are reported.
    assert (5, "room") in found and (2, "room") in found
    assert store.all() == []


def test_a_second_office_is_accepted_when_approved(tmp_path, store, small_building):
    rows = [
        *ROWS,
        ["示例局", "局领导", "P2", "乙某", "副局(处)级", "106", "", "2024-01-01", "", "是"],
    ]
    result = do_import(store, write_csv(tmp_path / "a.csv", HEADER_ZH, rows), small_building)
    assert len(result.created) == 6


def test_reimport_of_the_same_file_changes_nothing(tmp_path, store, small_building):
    path = write_csv(tmp_path / "a.csv", HEADER_ZH, ROWS)
    do_import(store, path, small_building)
    audit_before = store.audit()
    again = do_import(store, path, small_building)
    assert again.created == () and again.updated == () and again.unchanged == 5
    assert store.audit() == audit_before


def test_dry_run_shows_the_changes_and_applies_nothing(tmp_path, store, small_building):
    path = write_csv(tmp_path / "a.csv", HEADER_ZH, ROWS)
    result = do_import(store, path, small_building, dry_run=True)
    assert result.dry_run and not result.applied and len(result.created) == 5
    assert store.all() == [] and store.audit() == []


def test_history_answers_a_past_date_and_the_audit_log_holds_every_change(
    tmp_path, store, small_building
):
    do_import(
        store, write_csv(tmp_path / "a.csv", HEADER_ZH, ROWS), small_building, actor="officer"
    )
    # P3 moves from 103 to 106 on 2025-07-01: close the old record, open a new one.
    moved = [
        [
            "示例局",
            "综合科",
            "P3",
            "丙某",
            "局(处)级以下",
            "103",
            "科长",
            "2024-01-01",
            "2025-06-30",
            "",
        ],
        ["示例局", "综合科", "P3", "丙某", "局(处)级以下", "106", "科长", "2025-07-01", "", ""],
    ]
    result = do_import(store, write_csv(tmp_path / "b.csv", HEADER_ZH, moved), small_building)
    assert len(result.created) == 1 and len(result.updated) == 1
    then = {a.person_id: a.room for a in store.valid_on(date(2025, 3, 1))}
    now = {a.person_id: a.room for a in store.valid_on(date(2026, 1, 1))}
    assert then["P3"] == "103" and now["P3"] == "106"
    assert [a.room for a in store.history(person_id="P3")] == ["103", "106"]

    audit = store.audit()
    assert [e["action"] for e in audit] == ["create"] * 5 + ["create", "update"]
    assert audit[0]["actor"] == "officer" and audit[0]["before"] is None
    update = audit[-1]
    assert update["before"]["valid_to"] is None and update["after"]["valid_to"] == "2025-06-30"
    assert update["at"] is not None


def test_an_overlapping_range_for_the_same_person_and_room_is_rejected(
    tmp_path, store, small_building
):
    do_import(store, write_csv(tmp_path / "a.csv", HEADER_ZH, ROWS), small_building)
    clash = [["示例局", "综合科", "P3", "丙某", "局(处)级以下", "103", "", "2025-01-01", "", ""]]
    with pytest.raises(AllocationImportError) as caught:
        do_import(store, write_csv(tmp_path / "c.csv", HEADER_ZH, clash), small_building)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (
        2,
        "valid_from",
    ) and "overlaps a stored record" in error.reason


@pytest.mark.parametrize(
    ("suffix", "exporter"),
    [(".csv", to_csv_bytes), (".xlsx", to_xlsx_bytes), (".json", to_json_bytes)],
)
def test_export_reimports_unchanged_in_every_format(
    tmp_path, store, small_building, suffix, exporter
):
    do_import(store, write_csv(tmp_path / "a.csv", HEADER_ZH, ROWS), small_building)
    out = tmp_path / f"export{suffix}"
    out.write_bytes(exporter(store.all()))
    again = do_import(store, out, small_building)
    assert again.unchanged == 5 and again.changed == 0


def test_xlsx_and_json_imports_accept_english_headers(tmp_path, store, small_building):
    header = ["organisation", "department", "person_id", "name", "rank", "room", "valid_from"]
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["Org", "Dept", "E1", "Test A", "正局(处)级", "101", date(2024, 1, 1)])
    book.save(tmp_path / "a.xlsx")
    (tmp_path / "b.json").write_text(
        json.dumps(
            [
                dict(
                    zip(
                        header,
                        ["Org", "Dept", "E2", "Test B", "副局(处)级", "102", "2024-01-01"],
                        strict=True,
                    )
                )
            ]
        ),
        encoding="utf-8",
    )
    do_import(store, tmp_path / "a.xlsx", small_building)
    do_import(store, tmp_path / "b.json", small_building)
    assert {a.person_id: a.room for a in store.all()} == {"E1": "101", "E2": "102"}


def test_a_file_without_a_required_column_is_refused(tmp_path):
    path = write_csv(tmp_path / "a.csv", ["单位", "姓名"], [["x", "y"]])
    with pytest.raises(AllocationFileError, match="person_id"):
        read_rows(path)
