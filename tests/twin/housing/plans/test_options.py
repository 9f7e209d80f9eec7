"""Plan options: checked when made, with the defaults in one place."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.twin.housing.plans.helpers import demo_building
from twin import today_utc
from twin.housing.plans import PlanInputError, PlanOptions, plan_storeys, plans_pdf


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_building(tmp_path_factory.mktemp("plans-options"))[1]


def test_defaults_are_room_types_on_a3_today() -> None:
    options = PlanOptions()
    assert (options.colour, options.paper, options.on_date) == ("type", "A3", None)
    assert options.day == today_utc()
    assert options.dated().on_date == today_utc()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"colour": "rainbow"}, "unknown colour mode"), ({"paper": "B5"}, "unknown paper size")],
)
def test_bad_options_are_refused_before_anything_is_drawn(kwargs, message) -> None:
    with pytest.raises(PlanInputError, match=message):
        PlanOptions(**kwargs)


def test_room_types_override_the_default_rules(demo) -> None:
    space = demo.spaces[0]
    assert (
        PlanOptions(room_types={space.global_id: "archive"}).types_of(demo)[space.global_id]
        == "archive"
    )
    assert len(PlanOptions().types_of(demo)) == len(demo.spaces)


def test_every_page_of_a_plan_set_shows_the_same_given_date(demo) -> None:
    day = date(2026, 3, 9)
    storeys = plan_storeys(demo)[:2]
    pdf = PdfReader(io.BytesIO(plans_pdf(demo, storeys, PlanOptions(on_date=day))))
    assert len(pdf.pages) == len(storeys) + 1
    for page in pdf.pages:
        assert "2026-03-09" in page.extract_text(), "a page without the date"
