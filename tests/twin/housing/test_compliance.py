"""Compliance checks: expected excesses computed by hand from areas and the 2014 table."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import openpyxl
import pytest

from spatial.room_types import RoomTypeRules
from tests.twin.housing.allocation_fixtures import make_small_building, read_office_a
from twin.demo.allocations import DEMO_LEFT, DEMO_MOVED, generate_allocations
from twin.housing.allocations.records import Allocation
from twin.housing.compliance import (
    check_compliance,
    compliance_report,
    redact_report,
    to_xlsx_bytes,
)
from twin.housing.standards import default_standard

#: The municipal rows of the 2014 table, typed from the standard (m² per person).
MUNICIPAL_LIMITS = {"正局(处)级": 24.0, "副局(处)级": 18.0, "局(处)级以下": 9.0}
CODES = {
    "正局(处)级": "municipal.bureau_head",
    "副局(处)级": "municipal.bureau_deputy",
    "局(处)级以下": "municipal.below_bureau",
}
TODAY = date(2026, 1, 1)


def alloc(person, room, rank, department="综合科", **kwargs):
    return Allocation(
        organisation="示例局",
        organ_level="municipal",
        department=department,
        person_id=person,
        name=f"{person}某",
        rank_code=CODES[rank],
        rank=rank,
        room_global_id=f"GID{room}",
        room=room,
        valid_from=kwargs.pop("valid_from", date(2024, 1, 1)),
        **kwargs,
    )


SMALL_RECORDS = [
    alloc("P1", "101", "正局(处)级", "局领导"),  # 30 m² vs 24
    alloc("P2", "102", "副局(处)级", "局领导"),  # 20 m² vs 18
    alloc("P3", "103", "局(处)级以下"),  # 36 m² vs 9 + 9
    alloc("P4", "103", "局(处)级以下"),
    alloc("P5", "106", "局(处)级以下"),  # 12 m² vs 9 + 9: within
    alloc("P6", "106", "局(处)级以下"),
    alloc("P7", "104", "局(处)级以下"),  # a meeting room
    alloc("P8", "201", "局(处)级以下", valid_to=date(2025, 6, 30)),  # left
]


@pytest.fixture
def small_result():
    return check_compliance(make_small_building(), SMALL_RECORDS, default_standard(), on_date=TODAY)


def test_rooms_over_the_standard_carry_the_excess_in_m2_and_percent(small_result):
    rooms = {r.room: r for r in small_result.rooms}
    assert rooms["101"].status == "over"
    assert rooms["101"].excess_m2 == pytest.approx(30 - 24)
    assert rooms["101"].excess_pct == pytest.approx(100 * 6 / 24)
    assert rooms["102"].excess_m2 == pytest.approx(20 - 18)
    assert rooms["103"].limit_m2 == pytest.approx(18) and rooms["103"].excess_m2 == pytest.approx(
        18
    )
    assert rooms["106"].status == "within" and rooms["106"].excess_m2 == 0
    assert rooms["101"].area_source == "footprint"
    assert [(o.rank, o.limit_m2) for o in rooms["101"].occupants] == [("正局(处)级", 24.0)]


def test_a_persons_share_is_split_in_proportion_to_the_limits(small_result):
    persons = {p.person_id: p for p in small_result.persons}
    assert persons["P3"].share_m2 == pytest.approx(18) and persons["P3"].excess_m2 == pytest.approx(
        9
    )
    assert persons["P3"].excess_pct == pytest.approx(100)
    assert persons["P5"].share_m2 == pytest.approx(6) and persons["P5"].status == "within"
    assert persons["P1"].status == "over" and persons["P1"].limit_m2 == 24


def test_a_shared_room_of_unequal_ranks_is_split_by_limit():
    records = [alloc("A", "103", "正局(处)级"), alloc("B", "103", "局(处)级以下")]
    result = check_compliance(make_small_building(), records, default_standard(), on_date=TODAY)
    persons = {p.person_id: p for p in result.persons}
    # 36 m² over 24 + 9 = 33: shares 36 * 24/33 and 36 * 9/33.
    assert persons["A"].share_m2 == pytest.approx(36 * 24 / 33)
    assert persons["B"].share_m2 == pytest.approx(36 * 9 / 33)
    assert persons["A"].excess_m2 == pytest.approx(36 * 24 / 33 - 24)


def test_non_offices_are_never_judged_and_their_occupants_are_flagged(small_result):
    rooms = {r.room: r for r in small_result.rooms}
    assert rooms["104"].status == "not_office" and rooms["104"].excess_m2 == 0
    assert "105" not in rooms  # the toilet, with no one in it, is not listed
    persons = {p.person_id: p for p in small_result.persons}
    assert persons["P7"].status == "not_office"
    assert small_result.summary["not_office_allocations"] == 1


def test_vacant_offices_and_leavers_are_listed(small_result):
    rooms = {r.room: r for r in small_result.rooms}
    assert rooms["201"].status == "vacant"
    (leaver,) = small_result.leavers
    assert (leaver.person_id, leaver.room, leaver.room_status) == ("P8", "201", "vacant")
    assert small_result.summary["vacant_rooms"] == 1
    (organisation,) = small_result.organisations
    assert organisation.vacant_rooms == ("201",) and organisation.leavers == ("P8",)


def test_a_past_date_judges_the_allocations_valid_then():
    result = check_compliance(
        make_small_building(), SMALL_RECORDS, default_standard(), on_date=date(2025, 3, 1)
    )
    rooms = {r.room: r for r in result.rooms}
    assert rooms["201"].status == "over" and rooms["201"].excess_m2 == pytest.approx(16 - 9)
    assert result.leavers == ()


def test_department_and_organisation_totals(small_result):
    departments = {d.department: d for d in small_result.departments}
    leaders = departments["局领导"]
    assert leaders.rooms_over == ("101", "102") and leaders.persons_over == ("P1", "P2")
    assert leaders.excess_m2 == pytest.approx(6 + 2)
    assert leaders.limit_m2 == pytest.approx(24 + 18)
    summary = small_result.summary
    assert summary["rooms_over"] == 3 and summary["persons_over"] == 4
    assert summary["area_over_m2"] == pytest.approx(6 + 2 + 18)


def test_the_report_rounds_the_checks_figures(small_result):
    report = compliance_report(small_result)
    raw = {r.global_id: r for r in small_result.rooms}
    for room in report.rooms:
        assert room.area_m2 == round(raw[room.global_id].area_m2, 2)
        assert room.excess_pct == round(raw[room.global_id].excess_pct, 1)
        assert room.occupants == tuple(o.person_id for o in raw[room.global_id].occupants)
    assert {v.global_id for v in report.vacant_rooms} == {
        r.global_id for r in small_result.rooms if r.status == "vacant"
    }
    assert report.summary["area_over_m2"] == round(small_result.summary["area_over_m2"], 2)


def test_the_redacted_report_keeps_counts_and_names_no_one(small_result):
    report = compliance_report(small_result)
    redacted = redact_report(report)
    assert redacted.persons == () and redacted.leavers == ()
    assert report.persons and report.leavers  # there was someone to hide
    for full, hidden in zip(report.rooms, redacted.rooms, strict=True):
        assert hidden.occupants == ()
        assert [o.limit_m2 for o in hidden.occupant_limits] == [
            o.limit_m2 for o in full.occupant_limits
        ]
        assert all(o.person_id == "" for o in hidden.occupant_limits)
        assert (hidden.status, hidden.excess_m2) == (full.status, full.excess_m2)
    for group in (*redacted.departments, *redacted.organisations):
        assert group.persons_over == group.leavers == group.not_office_persons == ()
    assert redacted.summary == report.summary
    text = repr(redacted)
    assert not any(p.person_id in text or p.name in text for p in small_result.persons)


def test_xlsx_report_holds_the_same_figures_as_the_json(small_result):
    report = compliance_report(small_result)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(small_result)))
    assert {"organisation", "department", "room", "person"} <= set(book.sheetnames)
    for sheet, records, key in (
        ("room", report.rooms, "room"),
        ("person", report.persons, "person_id"),
        ("department", report.departments, "department"),
    ):
        rows = [dataclasses.asdict(r) for r in records]
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        table = {
            r[header.index(key)]: dict(zip(header, r, strict=True))
            for r in ws.iter_rows(min_row=2, values_only=True)
        }
        for row in rows:
            for column in ("area_m2", "limit_m2", "excess_m2", "share_m2", "status"):
                if column in row:
                    assert table[row[key]][column] == row[column], (sheet, row[key], column)
    over_fill = book["room"]["A2"].fill.fgColor.rgb
    assert over_fill.endswith("FFC7CE")  # room 101, the first row, is over


# -- Office_A with generated allocations ------------------------------------------


@pytest.fixture(scope="module")
def office_a():
    return read_office_a()


@pytest.fixture(scope="module")
def office_a_records(office_a):
    return generate_allocations(office_a, seed=0)


@pytest.mark.samples
def test_office_a_excess_matches_a_hand_computation(office_a, office_a_records):
    result = check_compliance(office_a, office_a_records, default_standard(), on_date=TODAY)
    # By hand: footprint area of each allocated office minus the sum of its occupants'
    # limits from the 2014 municipal table.
    rules = RoomTypeRules()
    spaces = {s.global_id: s for s in office_a.spaces}
    expected = {}
    for gid in {a.room_global_id for a in office_a_records if a.valid_on(TODAY)}:
        space = spaces[gid]
        if rules.classify(space) != "office":
            continue
        limit = sum(
            MUNICIPAL_LIMITS[a.rank]
            for a in office_a_records
            if a.room_global_id == gid and a.valid_on(TODAY)
        )
        excess = space.footprint.area - limit
        if excess > 0.005:
            expected[space.name] = excess
    got = {r.room: r.excess_m2 for r in result.rooms if r.status == "over"}
    assert got.keys() == expected.keys()
    for room, excess in expected.items():
        assert got[room] == pytest.approx(excess)
    # The head (正局, 24 m²) sits in 114, an "OPEN OFFICE" of 27.54 m² drawn as a single room.
    assert got["114"] == pytest.approx(spaces_named(office_a, "114").footprint.area - 24)
    assert {"106", "114"} <= got.keys()


def spaces_named(building, name):
    (space,) = [s for s in building.spaces if s.name == name]
    return space


@pytest.mark.samples
def test_office_a_vacancies_leaver_and_non_offices(office_a, office_a_records):
    result = check_compliance(office_a, office_a_records, default_standard(), on_date=TODAY)
    rules = RoomTypeRules()
    types = {s.global_id: rules.classify(s) for s in office_a.spaces}
    occupied = {a.room_global_id for a in office_a_records if a.valid_on(TODAY)}
    expected_vacant = {
        s.name
        for s in office_a.spaces
        if types[s.global_id] == "office" and s.global_id not in occupied
    }
    assert {r.room for r in result.rooms if r.status == "vacant"} == expected_vacant
    assert len(expected_vacant) >= 2
    for room in result.rooms:
        if room.status in ("within", "over", "vacant"):
            assert types[room.global_id] == "office"
        else:
            assert types[room.global_id] != "office"
    assert not any(
        types[r.global_id] in ("meeting", "toilet", "plant") and r.status in ("within", "over")
        for r in result.rooms
    )
    flagged = [p for p in result.persons if p.status == "not_office"]
    assert len(flagged) == 1 and types[flagged[0].global_id] != "office"
    (leaver,) = result.leavers
    assert leaver.valid_to == DEMO_LEFT and leaver.room_status == "vacant"


@pytest.mark.samples
def test_office_a_past_date_sees_the_mover_in_the_first_room(office_a, office_a_records):
    moved = [a for a in office_a_records if a.valid_from == DEMO_MOVED]
    assert len(moved) == 1
    person = moved[0].person_id
    before = check_compliance(
        office_a, office_a_records, default_standard(), on_date=date(2025, 3, 1)
    )
    after = check_compliance(office_a, office_a_records, default_standard(), on_date=TODAY)
    room_then = {p.room for p in before.persons if p.person_id == person}
    room_now = {p.room for p in after.persons if p.person_id == person}
    assert room_now == {moved[0].room} and room_then != room_now and len(room_then) == 1


@pytest.mark.samples
def test_office_a_demo_is_deterministic_and_fictitious(office_a, office_a_records):
    assert generate_allocations(office_a, seed=0) == office_a_records
    assert all("某" in a.name for a in office_a_records)
    approved = [a for a in office_a_records if a.approved_extra_office]
    assert len(approved) == 1
    ranks = {a.rank for a in office_a_records}
    assert ranks == set(MUNICIPAL_LIMITS)
