"""``twin compliance``, ``twin usage``, ``twin demo-allocations``: the README contract."""

from __future__ import annotations

import json
from types import SimpleNamespace

import openpyxl
import pytest
from typer.testing import CliRunner

import cli.commands  # noqa: F401  (registers the commands)
from cli import allocations as allocations_cli
from cli import compliance as compliance_cli
from cli import usage as usage_cli
from cli.app import app
from tests.twin.housing.allocation_fixtures import read_office_a

pytestmark = pytest.mark.samples
runner = CliRunner()


@pytest.fixture(scope="module")
def office_a():
    return read_office_a()


@pytest.fixture(autouse=True)
def fast_load(monkeypatch, office_a, tmp_path):
    # The commands ingest through the cache; here the module's Building stands in.
    loaded = SimpleNamespace(building=office_a)
    for module in (compliance_cli, usage_cli, allocations_cli):
        monkeypatch.setattr(module, "load", lambda paths, **_: loaded)
    monkeypatch.setenv("TWIN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TWIN_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def demo_csv(tmp_path):
    out = tmp_path / "alloc.csv"
    result = runner.invoke(app, ["demo-allocations", "Office_A.ifc", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_compliance_json_has_the_documented_shape(demo_csv):
    result = runner.invoke(
        app,
        [
            *("compliance", "Office_A.ifc", "--allocations", str(demo_csv)),
            *("--level", "municipal", "--date", "2026-01-01", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    room = data["rooms"][0]
    assert {"room", "global_id", "area_m2", "occupants", "limit_m2", "excess_m2", "status"} <= set(
        room
    )
    assert {r["status"] for r in data["rooms"]} <= {"within", "over", "vacant", "not_office"}
    person = data["persons"][0]
    assert {"person_id", "room", "share_m2", "limit_m2", "excess_m2", "status"} <= set(person)
    assert {p["status"] for p in data["persons"]} <= {"within", "over", "not_office"}
    summary = data["summary"]
    assert summary["rooms_over"] >= 2 and summary["vacant_rooms"] >= 2
    assert summary["area_over_m2"] == pytest.approx(
        sum(r["excess_m2"] for r in data["rooms"] if r["status"] == "over"), abs=0.02
    )
    assert data["standard"]["source"]["number"] == "发改投资〔2014〕2674号"


def test_compliance_xlsx_report_matches_the_json(demo_csv, tmp_path):
    out = tmp_path / "report.xlsx"
    args = ["compliance", "x.ifc", "--allocations", str(demo_csv), "--level", "municipal"]
    args += ["--date", "2026-01-01"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert runner.invoke(app, [*args, "--xlsx", str(out)]).exit_code == 0
    book = openpyxl.load_workbook(out)
    ws = book["room"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("global_id")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    for room in data["rooms"]:
        row = rows[room["global_id"]]
        assert row[header.index("excess_m2")] == room["excess_m2"]
        assert row[header.index("status")] == room["status"]


def test_xlsx_with_plans_links_each_room_to_its_storeys_page(demo_csv, tmp_path, office_a):
    import pypdf

    out = tmp_path / "report.xlsx"
    args = ["compliance", "x.ifc", "--allocations", str(demo_csv), "--level", "municipal"]
    result = runner.invoke(app, [*args, "--xlsx", str(out), "--plans"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "report-plans.pdf"
    pages = len(pypdf.PdfReader(pdf).pages)
    storeys_with_rooms = [
        s.name for s in office_a.storeys if any(r.storey_id == s.global_id for r in office_a.spaces)
    ]
    assert pages == len(storeys_with_rooms) + 1  # the cover, then one page per storey
    ws = openpyxl.load_workbook(out)["room"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "plan"
    for row in ws.iter_rows(min_row=2):
        storey = row[header.index("storey")].value
        page = storeys_with_rooms.index(storey) + 2
        assert row[-1].hyperlink.target == f"report-plans.pdf#page={page}"


def test_a_bad_row_exits_2_with_every_bad_row_on_stderr(demo_csv, tmp_path):
    lines = demo_csv.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    bad = lines[3].split(",")
    bad[header.index("rank")] = "正科级"
    worse = lines[5].split(",")
    worse[header.index("room")] = "NO-SUCH-ROOM"
    lines[3], lines[5] = ",".join(bad), ",".join(worse)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(
        app, ["compliance", "x.ifc", "--allocations", str(path), "--level", "municipal"]
    )
    assert result.exit_code == 2
    assert "row 4, column rank" in result.stderr and "row 6, column room" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--level", "galactic"],
        ["--level", "municipal", "--date", "2026-13-01"],
    ],
)
def test_bad_options_exit_2(demo_csv, args):
    result = runner.invoke(app, ["compliance", "x.ifc", "--allocations", str(demo_csv), *args])
    assert result.exit_code == 2 and "twin:" in result.stderr


def test_usage_groups_by_type_and_plugs_in_allocations(demo_csv):
    result = runner.invoke(app, ["usage", "x.ifc", "--by", "type", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    by_type = {g["key"]: g for g in data["groups"]}
    assert by_type["office"]["rooms"] == 20 and data["total"]["rooms"] == 99
    with_alloc = runner.invoke(
        app,
        [
            *("usage", "x.ifc", "--by", "storey", "--json", "--allocations", str(demo_csv)),
            *("--level", "municipal", "--date", "2026-01-01"),
        ],
    )
    data = json.loads(with_alloc.stdout)
    assert data["total"]["occupants"] > 100 and data["vacant"]


def test_allocations_import_is_idempotent_and_dry_run_applies_nothing(demo_csv, tmp_path):
    db = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    base = ["allocations", "import", "x.ifc", "--file", str(demo_csv), "--db", db, "--json"]
    dry = json.loads(runner.invoke(app, [*base, "--dry-run"]).stdout)
    assert dry["dry_run"] and len(dry["created"]) > 100
    first = json.loads(runner.invoke(app, base).stdout)
    assert len(first["created"]) == len(dry["created"])
    second = json.loads(runner.invoke(app, base).stdout)
    assert second["created"] == [] and second["updated"] == []
    assert second["unchanged"] == len(first["created"])
