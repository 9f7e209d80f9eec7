import json

import pytest

from twin.housing.standards import (
    StandardFileError,
    UnknownLevelError,
    UnknownRankError,
    default_standard,
    load_standard,
)


def test_default_standard_cites_its_source_and_holds_the_2014_table():
    standard = default_standard()
    assert standard.source["number"] == "发改投资〔2014〕2674号"
    assert any("1999" in c for c in standard.source["caveats"])
    municipal = {r.rank: r.limit_m2 for r in standard.ranks_of("municipal")}
    assert municipal == {
        "市级正职": 42,
        "市级副职": 30,
        "正局(处)级": 24,
        "副局(处)级": 18,
        "局(处)级以下": 9,
    }
    assert standard.rank("部级正职", "central").limit_m2 == 54
    assert standard.rank("正科级", "county").limit_m2 == 18
    assert set(standard.levels) == {"central", "provincial", "municipal", "county", "township"}


def test_rank_by_chinese_text_full_width_brackets_or_stable_code():
    standard = default_standard()
    assert standard.rank("正局（处）级", "municipal").code == "municipal.bureau_head"
    assert standard.rank("municipal.bureau_deputy", "municipal").rank == "副局(处)级"
    # 处级以下 exists at two levels: the organ level decides.
    assert standard.rank("处级以下", "central").code == "central.below_division"
    assert standard.rank("处级以下", "provincial").code == "provincial.below_division"
    with pytest.raises(UnknownRankError):
        standard.rank("正科级", "municipal")
    with pytest.raises(UnknownLevelError):
        standard.rank("正科级", "district")


def test_another_standard_loads_from_a_file_of_the_same_shape(tmp_path):
    path = tmp_path / "company.json"
    path.write_text(
        json.dumps(
            {
                "id": "acme-2025",
                "title": "ACME office policy",
                "source": {"document": "ACME policy 7"},
                "levels": {"company": "ACME"},
                "ranks": [
                    {
                        "code": "company.director",
                        "level": "company",
                        "rank": "总监",
                        "limit_m2": 16,
                    },
                    {"code": "company.staff", "level": "company", "rank": "员工", "limit_m2": 6},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    standard = load_standard(path)
    assert standard.rank("员工", "company").limit_m2 == 6


def test_a_malformed_standard_file_is_an_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x", "levels": {"a": "A"}, "ranks": [{"code": "a.b"}]}')
    with pytest.raises(StandardFileError):
        load_standard(path)
